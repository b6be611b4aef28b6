import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineHistoryFile } from '../../src/adapters/tui/line-history-file.js';

describe('LineHistoryFile ($PODS_HOME/tui-history)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pods-recall-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps typed lines across instances, newest first, without blanks, repeats or lines starting with a space', async () => {
    const path = join(dir, 'home', 'tui-history');
    const first = new LineHistoryFile(path);
    expect(await first.load()).toEqual([]);
    for (const line of ['one', 'two', 'two', '   ', ' secret', 'multi\nline', 'one']) first.add(line);
    await first.flushed();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await new LineHistoryFile(path).load()).toEqual(['one', 'multi\nline', 'two']);
  });

  it('skips torn lines, and cuts a file that grew past twice the lines it keeps back to the newest', async () => {
    const path = join(dir, 'tui-history');
    const lines = Array.from({ length: 2500 }, (_, i) => JSON.stringify(`line ${i}`));
    await writeFile(path, `${lines.join('\n')}\n{"torn`, { mode: 0o644 });
    const kept = new LineHistoryFile(path);
    const loaded = await kept.load();
    expect(loaded).toHaveLength(1000);
    expect(loaded[0]).toBe('line 2499');
    expect(loaded.at(-1)).toBe('line 1500');
    await kept.flushed();
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(1001);
    expect(text.startsWith('"line 1500"\n')).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('says once, and never throws, when the file cannot be written', async () => {
    const blocked = join(dir, 'not-a-dir');
    await writeFile(blocked, '');
    await chmod(blocked, 0o644);
    const kept = new LineHistoryFile(join(blocked, 'tui-history'));
    const said: string[] = [];
    kept.onFailure((reason) => said.push(reason));
    expect(await kept.load()).toEqual([]);
    kept.add('a');
    kept.add('b');
    await kept.flushed();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^line history not kept in .*not-a-dir\/tui-history: /);
  });
});
