import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ID_RE, Sandbox } from './harness.js';

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const N = 20;
const lockDir = (): string => path.join(sb.root, '.lock');

function holdLock(pid: number, at = new Date()): void {
  fs.mkdirSync(lockDir(), { recursive: true });
  fs.writeFileSync(path.join(lockDir(), 'owner'), JSON.stringify({ pid, host: os.hostname(), at: at.toISOString(), token: 'held' }));
}

describe('concurrent processes lose nothing', () => {
  it(`${N} concurrent creates of the same title give ${N} items with distinct ids and slugs`, async () => {
    const runs = await Promise.all(Array.from({ length: N }, () => sb.start(['create', '--title', 'Same title'], { input: '' })));
    expect(runs.map((r) => r.code)).toEqual(Array<number>(N).fill(0));
    const ids = runs.map((r) => r.stdout.trim());
    expect(ids.every((id) => ID_RE.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(N);
    const listed = sb.ok(['list', '--json']);
    const items = JSON.parse(listed) as { id: string; slug: string }[];
    expect(items.map((i) => i.id)).toEqual([...ids].sort());
    expect(items.map((i) => i.slug).sort()).toEqual(['same-title', ...Array.from({ length: N - 1 }, (_, k) => `same-title-${k + 2}`)].sort());
    expect(sb.run(['doctor', '--strict']).stdout).toBe('doctor: ok\n');
  });

  it(`${N} concurrent comments on one item all land, each once and whole`, async () => {
    const id = sb.create('Busy');
    const bodies = Array.from({ length: N }, (_, k) => `comment number ${k}\n${'x'.repeat(2000 + k)}\n`);
    const runs = await Promise.all(bodies.map((body, k) => sb.start(['comment', id, '--author', `writer-${k}`, '--file', '-'], { input: body })));
    expect(runs.map((r) => r.code)).toEqual(Array<number>(N).fill(0));
    const shown = JSON.parse(sb.ok(['show', id, '--json'])) as { events: { event: string; author: string; body: string }[] };
    const comments = shown.events.filter((e) => e.event === 'comment');
    expect(comments.map((e) => e.body).sort()).toEqual([...bodies].sort());
    expect(comments.map((e) => e.author).sort()).toEqual(bodies.map((_, k) => `writer-${k}`).sort());
    expect(sb.run(['doctor', '--strict']).stdout).toBe('doctor: ok\n');
  });

  it('comments racing a state change all land in the moved item', async () => {
    const id = sb.create('Moving');
    const runs = await Promise.all([
      ...Array.from({ length: 8 }, (_, k) => sb.start(['comment', id, '--message', `c${k}`])),
      sb.start(['status', id, 'pending']),
    ]);
    expect(runs.map((r) => r.code)).toEqual(Array<number>(9).fill(0));
    const shown = JSON.parse(sb.ok(['show', id, '--json'])) as { status: string; events: { event: string }[] };
    expect(shown.status).toBe('pending');
    expect(shown.events.filter((e) => e.event === 'comment')).toHaveLength(8);
    expect(sb.run(['doctor', '--strict']).stdout).toBe('doctor: ok\n');
  });
});

describe('the lock', () => {
  it('waits for a live holder, then times out with a clear message and writes nothing', () => {
    const id = sb.create('Locked');
    holdLock(process.pid);
    const before = sb.tree();
    const started = Date.now();
    const r = sb.run(['comment', id, '--message', 'x'], { env: { TICKETS_LOCK_TIMEOUT_MS: '400' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^error: timed out after 400 ms waiting for the lock work-items/\\.lock \\(held by pid ${process.pid} on .+ since .+\\); if no tickets\\.sh is running, remove that directory\\n$`),
    );
    expect(sb.tree()).toEqual(before);
  });

  it('proceeds once a live holder lets go', async () => {
    const id = sb.create('Released');
    holdLock(process.pid);
    const pending = sb.start(['comment', id, '--message', 'after the wait']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fs.readFileSync(path.join(sb.root, 'open', id, 'thread.md'), 'utf8')).not.toContain('after the wait');
    fs.rmSync(lockDir(), { recursive: true });
    const r = await pending;
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(sb.root, 'open', id, 'thread.md'), 'utf8')).toContain('after the wait');
  });

  it('breaks the lock of a holder whose pid is gone', () => {
    const id = sb.create('Stale');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;
    holdLock(dead);
    const r = sb.run(['comment', id, '--message', 'x'], { env: { TICKETS_LOCK_TIMEOUT_MS: '2000' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^warning: removed a stale lock \\(pid ${dead} on .+: pid ${dead} is not running\\)\\n$`));
    expect(fs.existsSync(lockDir())).toBe(false);
  });

  it('breaks a lock held longer than TICKETS_LOCK_STALE_MS, even by a live pid', () => {
    const id = sb.create('Old');
    holdLock(process.pid, new Date(Date.now() - 60_000));
    const r = sb.run(['comment', id, '--message', 'x'], { env: { TICKETS_LOCK_STALE_MS: '30000' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: removed a stale lock \(.*: held for 6\d s\)\n$/);
  });

  it('is released after every command, also after a refusal', () => {
    const id = sb.create('Tidy');
    sb.run(['close', id, '--resolution', 'x'], { env: { TICKETS_TEST_FAULT: 'before-commit' } });
    sb.run(['comment', 'missing', '--message', 'x']);
    expect(fs.readdirSync(sb.root).sort()).toEqual(['closed', 'open', 'pending']);
  });
});
