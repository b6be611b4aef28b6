import type { Repositories } from '../../src/application/ports/unit-of-work.js';
import type { Pod } from '../../src/domain/pod.js';
import { PodName } from '../../src/domain/pod-name.js';
import type { ScopeRule } from '../../src/domain/scope-rule.js';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import type { TestStore } from '../support/store-under-test.js';

/** The store under test, valid inside a test (opened once per file, emptied before each test). */
export type ContractFixture = () => TestStore;

export const name = (raw: string): PodName => PodName.unsafe(raw);
export const at = (iso: string): Date => new Date(iso);
export const T0 = at('2026-11-01T12:00:00.123Z');
export const later = (ms: number, from: Date = T0): Date => new Date(from.getTime() + ms);

export const scope = (permission: 'read' | 'write', target: string, recursive = true): ScopeRule => ({
  target: AbsolutePath.unsafe(target),
  permission,
  recursive,
});

export const operatorPod = (raw: string, createdAt: Date = T0): Pod => ({
  name: name(raw),
  scope: [scope('write', `/work/${raw}`)],
  origin: { type: 'operator' },
  createdAt,
});

/** Runs `fn` as one committed unit of work. */
export function inRun<T>(f: ContractFixture, fn: (repos: Repositories) => Promise<T>): Promise<T> {
  return f().uow().run(fn);
}

/** Operator Pods, so rows that name them satisfy the SQL store's foreign keys. */
export async function seedPods(f: ContractFixture, ...names: readonly string[]): Promise<void> {
  await inRun(f, async (r) => {
    for (const n of names) await r.pods.add(operatorPod(n));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Boom extends Error {
  constructor() {
    super('boom: rolled back on purpose');
  }
}
