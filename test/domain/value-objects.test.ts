import { describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import { MessageBody, utf8Length } from '../../src/domain/message-body.js';
import { orderedPair } from '../../src/domain/peer-relation.js';
import { PodName } from '../../src/domain/pod-name.js';

describe('PodName', () => {
  it.each(['a', 'A1', 'main', 'node-1.worker_2', '9lives', 'x'.repeat(64)])('accepts %s', (raw) => {
    expect(PodName.parse(raw)).toEqual({ ok: true, value: raw });
  });
  it.each(['', '.hidden', '-dash', '_u', 'a/b', '..', 'a b', 'ünï', 'x'.repeat(65), 'a\nb', 'a\0'])('refuses %j', (raw) => {
    expect(PodName.parse(raw)).toEqual({ ok: false, error: { type: 'InvalidPodName', name: raw } });
  });
  it('names the rule and never prints control characters raw', () => {
    expect(PodName.describe({ type: 'InvalidPodName', name: 'a/b' })).toBe(
      'invalid pod name: a/b (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)',
    );
    expect(PodName.describe({ type: 'InvalidPodName', name: 'a\nb' })).toMatch(/^invalid pod name: "a\\nb" \(/);
  });
});

describe('AbsolutePath', () => {
  it('normalizes duplicate and trailing slashes', () => {
    expect(AbsolutePath.parse('//work///x/')).toEqual({ ok: true, value: '/work/x' });
    expect(AbsolutePath.parse('/')).toEqual({ ok: true, value: '/' });
  });
  it.each([['work', 'must be absolute'], ['/a/../b', 'must not contain . or .. segments'], ['/a/./b', 'must not contain . or .. segments']])(
    'refuses %s',
    (raw, reason) => expect(AbsolutePath.parse(raw)).toEqual({ ok: false, error: { type: 'InvalidPath', path: raw, reason } }),
  );
  it('knows containment by segment, not by prefix', () => {
    const p = AbsolutePath.unsafe;
    expect(AbsolutePath.isWithin(p('/work/a'), p('/work'))).toBe(true);
    expect(AbsolutePath.isWithin(p('/workshop'), p('/work'))).toBe(false);
    expect(AbsolutePath.isWithin(p('/anything'), p('/'))).toBe(true);
    expect(AbsolutePath.isDirectChild(p('/work/a'), p('/work'))).toBe(true);
    expect(AbsolutePath.isDirectChild(p('/work/a/b'), p('/work'))).toBe(false);
    expect(AbsolutePath.isDirectChild(p('/a'), p('/'))).toBe(true);
  });
});

describe('MessageBody', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
  });
  it('refuses blank text and text over 64 KiB, and never truncates', () => {
    expect(MessageBody.parse(' \n ')).toEqual({ ok: false, error: { type: 'EmptyMessage' } });
    expect(MessageBody.parse('😀'.repeat(16_385))).toEqual({ ok: false, error: { type: 'MessageTooLarge', bytes: 65_540, limit: 65_536 } });
    expect(MessageBody.parse('😀'.repeat(16_384))).toMatchObject({ ok: true });
  });
});

describe('orderedPair', () => {
  it('orders by code unit, whichever side comes first', () => {
    const [a, B] = [PodName.unsafe('a'), PodName.unsafe('B')];
    expect(orderedPair(a, B)).toEqual({ a: 'B', b: 'a' });
    expect(orderedPair(B, a)).toEqual({ a: 'B', b: 'a' });
  });
});
