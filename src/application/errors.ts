import type { PodName } from '../domain/pod-name.js';

/** Operator commands may name any Pod: the operator sees the whole store, so existence is no secret. */
export type PodNotFound = { readonly type: 'PodNotFound'; readonly name: PodName };
export type PodAlreadyExists = { readonly type: 'PodAlreadyExists'; readonly name: PodName };

export const podNotFound = (name: PodName): PodNotFound => ({ type: 'PodNotFound', name });

export const describePodNotFound = (error: PodNotFound | PodName): string =>
  `pod \`${typeof error === 'string' ? error : error.name}\` does not exist`;
