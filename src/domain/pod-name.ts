import type { Brand } from './brand.js';
import { displayValue } from './display.js';
import { err, ok, type Result } from './result.js';

export type PodName = Brand<string, 'PodName'>;

export type InvalidPodName = { readonly type: 'InvalidPodName'; readonly name: string };

export const POD_NAME_RULE =
  "1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit";
const PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const PodName = {
  parse(raw: string): Result<PodName, InvalidPodName> {
    return PATTERN.test(raw) ? ok(raw as PodName) : err({ type: 'InvalidPodName', name: raw });
  },
  /** For values that were validated before they were stored (database rows, fixtures). */
  unsafe(raw: string): PodName {
    return raw as PodName;
  },
  describe(error: InvalidPodName): string {
    const what = error.name === '' ? 'the name is empty' : displayValue(error.name);
    return `invalid pod name: ${what} (${POD_NAME_RULE})`;
  },
};
