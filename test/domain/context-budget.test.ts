import { describe, expect, it } from 'vitest';
import { contextStart, KEEP_AFTER_TRIM, type WindowEntry } from '../../src/domain/context-budget.js';

const e = (size: number, edge = true): WindowEntry => ({ size, edge });

describe('what a model request holds of a history', () => {
  it('keeps everything while it fits the budget', () => {
    expect(contextStart([e(40), e(30), e(30)], 100)).toBeUndefined();
  });

  it('drops the oldest entries, at an edge, until what stays fits three quarters of the budget', () => {
    // 10 entries of 20: 200 > 100; keep ≤ 75 means the last 3 (60).
    const entries = Array.from({ length: 10 }, () => e(20));
    expect(contextStart(entries, 100)).toBe(7);
    expect(KEEP_AFTER_TRIM).toBe(0.75);
  });

  it('never starts a request inside a step (not at an edge): it starts at the next edge after', () => {
    const entries = [e(50), e(50), e(10, false), e(10, false), e(10), e(10)];
    expect(contextStart(entries, 100)).toBe(4);
  });

  it('keeps the newest turn whole when even it outgrows the budget, and trims nothing when no later edge exists', () => {
    expect(contextStart([e(10), e(10), e(500), e(10, false)], 100)).toBe(2);
    expect(contextStart([e(500), e(10, false), e(10, false)], 100)).toBeUndefined();
  });
});
