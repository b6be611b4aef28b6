import { link, readFile, symlink, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exists, probe, runConfined, scopeFixture, skipSandbox } from './support/confined.js';

/** Real shell commands under the real sandbox: what stays inside, whatever the route. */
describe.skipIf(skipSandbox)('bubblewrap: writes stay inside the scope', () => {
  let f: Awaited<ReturnType<typeof scopeFixture>>;
  beforeAll(async () => {
    f = await scopeFixture();
    await symlink(f.at('out'), f.at('w/link-out'));
    await symlink(f.at('ro/readme.txt'), f.at('w/link-ro'));
  });
  afterAll(() => f.dispose());
  const run = (script: string) => runConfined(f.confinement(), f.at('w'), script, 8_000);

  it('has a sandbox here (in CI it must)', () => {
    expect(probe).toMatchObject({ available: true });
  });

  it('writes inside the scope and in its own state directory', async () => {
    const r = await run(`echo inside > ${f.at('w/inside.txt')} && echo state > ${f.at('home/agents/p/s.txt')} && echo rel > rel.txt`);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(await readFile(f.at('w/inside.txt'), 'utf8')).toBe('inside\n');
    expect(await readFile(f.at('w/rel.txt'), 'utf8')).toBe('rel\n');
    expect(await exists(f.at('home/agents/p/s.txt'))).toBe(true);
  });

  it.each([
    ['a shell redirect', (o: string) => `echo x > ${o}`],
    ['cp', (o: string) => `echo x > a.txt; cp a.txt ${o}`],
    ['mv (a rename from inside to outside)', (o: string) => `echo x > b.txt; mv b.txt ${o}`],
    ['tee from a background subprocess', (o: string) => `(sleep 0.1; echo x | tee ${o}) & wait`],
    ['a ../ path', (o: string) => `echo x > ${f.at('w')}/../${o.slice(f.root.length + 1)}`],
    ['/proc/self/root', (o: string) => `echo x > /proc/self/root${o}`],
    ['/proc/1/root', (o: string) => `echo x > /proc/1/root${o}`],
  ])('refuses a write outside through %s: the file does not exist afterwards', async (route, command) => {
    // The same route into the scope works, so each refusal below is the sandbox's.
    const inside = f.at(`w/ok-${route.replace(/\W+/g, '-')}.txt`);
    const control = await run(command(inside));
    expect(await exists(inside), control.stderr).toBe(true);
    for (const outside of [f.at('ro/new.txt'), f.at('out/new.txt'), f.at('w/sub/new.txt'), f.at('home/new.txt'), f.at('new.txt')]) {
      const r = await run(command(outside));
      expect(r.timedOut, `${command(outside)} did not end`).toBe(false);
      expect(await exists(outside), `${outside}: ${r.stderr}`).toBe(false);
    }
  }, 60_000);

  it('keeps the moved file when a rename out of the scope fails', async () => {
    const r = await run(`echo keep > m.txt; mv m.txt ${f.at('ro/m.txt')}`);
    expect(r.code).not.toBe(0);
    expect(await readFile(f.at('w/m.txt'), 'utf8')).toBe('keep\n');
  });

  it('refuses a write through a link inside the scope that points out of it', async () => {
    const r = await run(`echo x > link-out/via-link.txt; echo x > link-ro`);
    expect(r.code).not.toBe(0);
    expect(await exists(f.at('out/via-link.txt'))).toBe(false);
    expect(await readFile(f.at('ro/readme.txt'), 'utf8')).toBe('readme\n');
  });

  it('cannot hard-link a file from outside into the scope (unseen, or another mount)', async () => {
    const r = await run(`ln ${f.at('out/secret.txt')} h1; ln ${f.at('ro/readme.txt')} h2; ls h1 h2`);
    expect(r.stderr).toMatch(/h1.*No such file|No such file.*secret/);
    expect(r.stderr).toMatch(/Invalid cross-device link/);
    expect(await exists(f.at('w/h1'))).toBe(false);
    expect(await exists(f.at('w/h2'))).toBe(false);
  });

  it('writes a hard link made before start through to its outside twin (written down as a limit)', async () => {
    await link(f.at('out/secret.txt'), f.at('w/twin.txt'));
    await run(`echo changed > twin.txt`);
    expect(await readFile(f.at('out/secret.txt'), 'utf8')).toBe('changed\n');
    await writeFile(f.at('out/secret.txt'), 'secret\n');
  });

  it('keeps a lent rule read-only for the lender and the rest of its rule writable', async () => {
    const r = await run(`cat sub/child.txt; echo no > sub/x.txt; echo yes > y.txt`);
    expect(r.stdout).toBe('child\n');
    expect(r.stderr).toMatch(/sub\/x.txt: Read-only file system/);
    expect(await exists(f.at('w/sub/x.txt'))).toBe(false);
    expect(await readFile(f.at('w/y.txt'), 'utf8')).toBe('yes\n');
  });

  it('gives the agent a private /tmp', async () => {
    const marker = `/tmp/pods-private-${process.pid}-${Date.now()}`;
    const r = await run(`echo x > ${marker} && cat ${marker}`);
    expect(r).toMatchObject({ code: 0, stdout: 'x\n' });
    expect(await exists(marker)).toBe(false);
  });

  it('cannot remount or unmount its read-only mounts, as root or not: it has no capabilities', async () => {
    const r = await run(`grep CapEff /proc/self/status; mount -o remount,rw ${f.at('ro')}; umount ${f.at('w/sub')}; echo x > ${f.at('ro/after.txt')}`);
    expect(r.stdout).toMatch(/CapEff:\s+0+\n/);
    expect(await exists(f.at('ro/after.txt'))).toBe(false);
    expect(await exists(f.at('w/sub/x.txt'))).toBe(false);
  });
});
