import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from './harness.js';

let sb: Sandbox;
let alpha: string;
let alphabet: string;
beforeEach(() => {
  sb = new Sandbox();
  alpha = sb.create('Alpha');
  alphabet = sb.create('Alphabet');
});
afterEach(() => sb.cleanup());

const idOf = (query: string): string => (JSON.parse(sb.ok(['show', query, '--json'])) as { id: string }).id;

describe('lookup', () => {
  it('finds an item by its exact id', () => {
    expect(idOf(alpha)).toBe(alpha);
    expect(idOf(alphabet)).toBe(alphabet);
  });

  it('finds an item by its exact slug, even when the slug is a prefix of another slug', () => {
    expect(idOf('alpha')).toBe(alpha);
    expect(idOf('alphabet')).toBe(alphabet);
  });

  it('finds an item by a prefix of exactly one id or slug', () => {
    expect(idOf(alphabet.slice(0, 15))).toBe(alphabet);
    expect(idOf('alphab')).toBe(alphabet);
  });

  it('refuses a prefix that two items share, listing both', () => {
    const shared = alpha.slice(0, 12);
    expect(alphabet.startsWith(shared)).toBe(true);
    for (const query of [shared, 'alp']) {
      const r = sb.run(['show', query]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`  open/${alpha}\talpha\tAlpha\n  open/${alphabet}\talphabet\tAlphabet\nerror: ambiguous work item: ${query} (matches 2 items)\n`);
    }
  });

  it('refuses an id that two buckets hold (a crash between commit and cleanup)', () => {
    fs.cpSync(path.join(sb.root, 'open', alpha), path.join(sb.root, 'closed', alpha), { recursive: true });
    const r = sb.run(['comment', alpha, '--message', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ambiguous work item: ${alpha} (matches 2 items)\n`);
  });

  it('ids are case-sensitive and a miss is an error', () => {
    for (const query of [alpha.toLowerCase(), 'gamma', 'ALPHA']) {
      const r = sb.run(['show', query]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`error: work item not found: ${query}\n`);
    }
  });

  it('an empty query matches nothing', () => {
    expect(sb.run(['show', '']).stderr).toBe('error: work item not found: \n');
  });

  it('a missing root is "not found" for mutations and an empty list for list', () => {
    const empty = new Sandbox();
    try {
      const r = empty.run(['comment', 'x', '--message', 'y']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('error: work item not found: x (there is no work-items)\n');
      expect(empty.ok(['list'])).toBe('status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\n');
      expect(fs.existsSync(empty.root)).toBe(false);
    } finally {
      empty.cleanup();
    }
  });
});
