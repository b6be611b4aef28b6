import { execFileSync } from 'node:child_process';
import { renameSync, symlinkSync } from 'node:fs';
import { chmod, link, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realLocation } from '../../src/adapters/sandbox/real-location.js';
import { describeScopedFileRefusal } from '../../src/adapters/sandbox/scoped-file-refusal.js';
import { ScopedFiles } from '../../src/adapters/sandbox/scoped-files.js';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import { decidePermission } from '../../src/domain/permission-decision.js';
import { exists, scopeFixture } from './support/confined.js';

describe("pods' own file methods: the scope checked on the resolved path", () => {
  let f: Awaited<ReturnType<typeof scopeFixture>>;
  let files: ScopedFiles;
  let onCheck: () => void;
  beforeEach(async () => {
    f = await scopeFixture();
    onCheck = () => {};
    const confinement = f.confinement();
    files = new ScopedFiles(() => (onCheck(), confinement), { maxReadBytes: 64 * 1024, maxWriteBytes: 4 * 1024 * 1024 });
  });
  afterEach(() => f.dispose());
  const refusal = (r: { ok: boolean; error?: unknown }) => (r.ok ? 'served' : describeScopedFileRefusal(r.error as never));

  it('reads inside the scope, from a line, at most limit lines', async () => {
    await writeFile(f.at('w/lines.txt'), 'one\ntwo\nthree\nfour');
    expect(await files.readTextFile({ path: f.at('w/lines.txt') })).toEqual({ ok: true, value: { content: 'one\ntwo\nthree\nfour' } });
    expect(await files.readTextFile({ path: f.at('w/lines.txt'), line: 2, limit: 2 })).toEqual({ ok: true, value: { content: 'two\nthree\n' } });
    expect(await files.readTextFile({ path: f.at('w/lines.txt'), line: 9 })).toEqual({ ok: true, value: { content: '' } });
    expect(await files.readTextFile({ path: f.at('ro/readme.txt'), line: null, limit: null })).toMatchObject({ ok: true });
    expect(refusal(await files.readTextFile({ path: f.at('w/lines.txt'), line: 0 }))).toBe('invalid line 0: a whole number from 1');
  });

  it.each([
    ['outside every rule', () => f.at('out/secret.txt'), /^cannot read .*out\/secret.txt: outside this Pod's scope \(no scope rule covers it\)$/],
    ['through .. segments', () => `${f.at('w')}/../out/secret.txt`, /^cannot read .*\/w\/\.\.\/out\/secret.txt \(it resolves to .*\/out\/secret.txt\): outside/],
    ['a withheld path', () => f.at('home/store.db'), /withheld from agents/],
    ['a relative path', () => 'w/a.txt', /^invalid path w\/a.txt: must be absolute$/],
    ['a path with NUL', () => f.at('w/a\0b'), /must not contain NUL/],
    ['a missing file', () => f.at('w/none.txt'), /none.txt does not exist$/],
    ['a directory', () => f.at('w'), /is a directory, not a regular file$/],
  ])('refuses to read %s, in one line', async (_label, path, line) => {
    expect(refusal(await files.readTextFile({ path: path() }))).toMatch(line);
  });

  it('refuses to read through a link inside the scope that leads out of it, naming where it leads', async () => {
    await symlink(f.at('out/secret.txt'), f.at('w/leak'));
    await symlink(f.at('out'), f.at('w/leakdir'));
    expect(refusal(await files.readTextFile({ path: f.at('w/leak') }))).toMatch(/\(it resolves to .*\/out\/secret.txt\): outside/);
    expect(refusal(await files.readTextFile({ path: f.at('w/leakdir/secret.txt') }))).toMatch(/outside this Pod's scope/);
  });

  it('refuses a FIFO without blocking on it, and files too large or not text', async () => {
    execFileSync('mkfifo', [f.at('w/fifo')]);
    const started = Date.now();
    expect(refusal(await files.readTextFile({ path: f.at('w/fifo') }))).toMatch(/fifo is a FIFO, not a regular file$/);
    expect(refusal(await files.writeTextFile({ path: f.at('w/fifo'), content: 'x' }))).toMatch(/is a FIFO/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await writeFile(f.at('w/big.txt'), 'x'.repeat(64 * 1024 + 1));
    expect(refusal(await files.readTextFile({ path: f.at('w/big.txt') }))).toMatch(/big.txt is 65537 bytes; files over 65536 bytes are not read$/);
    await writeFile(f.at('w/bin'), Buffer.from([0xff, 0xfe, 0x00]));
    expect(refusal(await files.readTextFile({ path: f.at('w/bin') }))).toMatch(/is not UTF-8 text$/);
  });

  it('writes inside the scope, making missing directories, and returns where it wrote', async () => {
    expect(await files.writeTextFile({ path: f.at('w/new/deeper/a.txt'), content: 'hello' })).toEqual({ ok: true, value: { path: f.at('w/new/deeper/a.txt') } });
    expect(await readFile(f.at('w/new/deeper/a.txt'), 'utf8')).toBe('hello');
    expect(await files.writeTextFile({ path: f.at('home/agents/p/config.json'), content: '{}' })).toMatchObject({ ok: true });
  });

  it.each([
    ['outside every rule', () => f.at('out/new.txt'), /outside this Pod's scope \(no scope rule covers it\)/],
    ['a read-only rule', () => f.at('ro/new.txt'), /\(read:.*\/ro\)$/],
    ['a rule lent to a child', () => f.at('w/sub/new.txt'), /\(write:.*\/w\/sub is lent to a child\)$/],
    ['a path under .. segments', () => `${f.at('w')}/../out/new.txt`, /resolves to .*\/out\/new.txt/],
    ['a withheld directory', () => f.at('home/new.txt'), /withheld from agents/],
    ['a new directory outside', () => f.at('out/made/new.txt'), /outside/],
  ])('refuses to write %s, and nothing is created', async (_label, path, line) => {
    expect(refusal(await files.writeTextFile({ path: path(), content: 'x' }))).toMatch(line);
    expect(await exists(path())).toBe(false);
    expect(await exists(f.at('out/made'))).toBe(false);
  });

  it('writes a new file under a linked directory where the link leads, only when that place is in scope', async () => {
    await mkdir(f.at('w/real'));
    await symlink(f.at('w/real'), f.at('w/inlink'));
    await symlink(f.at('out'), f.at('w/outlink'));
    expect(await files.writeTextFile({ path: f.at('w/inlink/a.txt'), content: 'in' })).toEqual({ ok: true, value: { path: f.at('w/real/a.txt') } });
    expect(refusal(await files.writeTextFile({ path: f.at('w/outlink/b.txt'), content: 'out' }))).toMatch(/resolves to .*\/out\/b.txt/);
    expect(await exists(f.at('out/b.txt'))).toBe(false);
  });

  it('writes through a link to a file in scope into that file and keeps the link; refuses a link leading nowhere', async () => {
    await writeFile(f.at('w/target.txt'), 'old');
    await symlink(f.at('w/target.txt'), f.at('w/alias'));
    await symlink(f.at('out/nothing'), f.at('w/dangling'));
    expect(await files.writeTextFile({ path: f.at('w/alias'), content: 'new' })).toEqual({ ok: true, value: { path: f.at('w/target.txt') } });
    expect(await readFile(f.at('w/alias'), 'utf8')).toBe('new');
    expect(refusal(await files.writeTextFile({ path: f.at('w/dangling'), content: 'x' }))).toMatch(/is a symbolic link that leads nowhere/);
    expect(await exists(f.at('out/nothing'))).toBe(false);
  });

  it('replaces the directory entry, not the inode: a hard link elsewhere keeps the old content', async () => {
    await link(f.at('out/secret.txt'), f.at('w/twin.txt'));
    expect(await files.writeTextFile({ path: f.at('w/twin.txt'), content: 'mine' })).toMatchObject({ ok: true });
    expect(await readFile(f.at('w/twin.txt'), 'utf8')).toBe('mine');
    expect(await readFile(f.at('out/secret.txt'), 'utf8')).toBe('secret\n');
  });

  it("keeps the file's permissions but never its set-id bits", async () => {
    await writeFile(f.at('w/mode.sh'), 'old');
    await chmod(f.at('w/mode.sh'), 0o4750);
    await files.writeTextFile({ path: f.at('w/mode.sh'), content: 'new' });
    expect((await stat(f.at('w/mode.sh'))).mode & 0o7777).toBe(0o750);
  });

  it('never lets a reader see part of a file: a concurrent reader sees the old content or the new', async () => {
    const size = 512 * 1024;
    await writeFile(f.at('w/atomic.txt'), 'a'.repeat(size));
    let writing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) {
        const text = await readFile(f.at('w/atomic.txt'), 'utf8');
        seen.add(`${text.length}:${new Set(text).size}`);
      }
    })();
    for (let i = 0; i < 40; i += 1) await files.writeTextFile({ path: f.at('w/atomic.txt'), content: String.fromCharCode(98 + (i % 20)).repeat(size) });
    writing = false;
    await reader;
    expect([...seen]).toEqual([`${size}:1`]);
  });

  /** The next scope check swaps the directory `dir` for a link to `to`, as a racing process could. */
  const swapAtCheck = (dir: string, to: string) => {
    onCheck = () => {
      onCheck = () => {};
      renameSync(dir, `${dir}-moved`);
      symlinkSync(to, dir);
    };
  };

  it.each([
    ['a directory on the way', 'w/p', 'out'],
    ['the directory written in', 'w/p/q', 'out/q'],
  ])('does not let %s swapped for a link between the check and the open redirect a write or a read', async (_label, swapped, to) => {
    await mkdir(f.at('w/p/q'), { recursive: true });
    await mkdir(f.at('out/q'));
    await writeFile(f.at('out/q/f.txt'), 'outside\n');
    await writeFile(f.at('w/p/q/f.txt'), 'inside\n');
    swapAtCheck(f.at(swapped), f.at(to));
    expect(refusal(await files.writeTextFile({ path: f.at('w/p/q/f.txt'), content: 'escaped' }))).toMatch(/changed while pods checked it/);
    expect(await readFile(f.at('out/q/f.txt'), 'utf8')).toBe('outside\n');
    expect(await readdir(f.at('out/q'))).toEqual(['f.txt']);
    await rm(f.at(swapped));
    await rename(f.at(`${swapped}-moved`), f.at(swapped));
    swapAtCheck(f.at(swapped), f.at(to));
    expect(refusal(await files.readTextFile({ path: f.at('w/p/q/f.txt') }))).toMatch(/changed while pods checked it/);
  });

  it('refuses content over the write limit', async () => {
    const big = new ScopedFiles(() => f.confinement(), { maxReadBytes: 1024, maxWriteBytes: 10 });
    expect(refusal(await big.writeTextFile({ path: f.at('w/x.txt'), content: 'x'.repeat(11) }))).toMatch(/is 11 bytes; at most 10 bytes is written$/);
  });
});

describe('realLocation: a permission request decided where its locations really are', () => {
  it('resolves links (also under a file not made yet) before the scope is asked', async () => {
    const f = await scopeFixture();
    try {
      await symlink(f.at('out'), f.at('w/outlink'));
      const cwd = AbsolutePath.unsafe(f.at('w'));
      const decide = async (raw: string) =>
        decidePermission({ kind: 'edit', locations: [{ path: await realLocation(raw, cwd) }], isPodsTool: false }, { confinement: f.confinement(), confined: false, cwd });
      expect(await realLocation('outlink/new/file.txt', cwd)).toBe(f.at('out/new/file.txt'));
      expect((await decide('outlink/secret.txt')).type).toBe('OutsideScope');
      expect((await decide('inside/new.txt')).type).toBe('WithinScope');
      expect(await realLocation('~/x', cwd)).toBe('~/x');
    } finally {
      await f.dispose();
    }
  });
});
