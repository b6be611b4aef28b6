import type { PodName } from './pod-name.js';
import type { ProfileName } from './profile-name.js';
import type { ScopeRule } from './scope-rule.js';

export type PodOrigin = { readonly type: 'operator' } | { readonly type: 'spawned'; readonly parent: PodName };

export type Pod = {
  readonly name: PodName;
  /** The filesystem grants this Pod was created with (for a child: what its parent lent it). */
  readonly scope: readonly ScopeRule[];
  readonly origin: PodOrigin;
  readonly createdAt: Date;
  readonly profile?: ProfileName;
};
