import type { PodName } from './pod-name.js';
import { err, ok, type Result } from './result.js';
import type { VisiblePod } from './visibility.js';

/** The powers of SPEC §2 that name a target Pod; `hear_completion`: told in its own history when the target's turn ends. */
export type Power = 'restore' | 'send' | 'read_output' | 'stop' | 'send_peer' | 'hear_completion';

export type AuthorityRefusal =
  | { readonly type: 'NotVisible'; readonly target: string }
  | { readonly type: 'TargetIsSelf'; readonly target: PodName; readonly power: Power }
  | { readonly type: 'PeerIsNotChild'; readonly caller: PodName; readonly target: PodName; readonly power: Power }
  | { readonly type: 'ChildStopped'; readonly target: PodName; readonly power: Power }
  | { readonly type: 'ChildIsNotPeer'; readonly caller: PodName; readonly target: PodName };

export type Standing = 'self' | 'spawned_child' | 'stopped_child' | 'peer';

export const standingOf = (seen: VisiblePod): Standing =>
  seen.reason === 'spawned_child' && seen.child.state === 'stopped' ? 'stopped_child' : seen.reason;

type Grant = 'yes' | 'no';
/** SPEC §2, row by row. A stopped child keeps its parent's powers over it but a user turn: it runs none until restored. */
export const AUTHORITY: Readonly<Record<Power, Readonly<Record<Standing, Grant>>>> = {
  restore: { self: 'no', spawned_child: 'yes', stopped_child: 'yes', peer: 'yes' },
  send: { self: 'no', spawned_child: 'yes', stopped_child: 'no', peer: 'no' },
  read_output: { self: 'no', spawned_child: 'yes', stopped_child: 'yes', peer: 'no' },
  stop: { self: 'no', spawned_child: 'yes', stopped_child: 'yes', peer: 'no' },
  send_peer: { self: 'no', spawned_child: 'no', stopped_child: 'no', peer: 'yes' },
  hear_completion: { self: 'no', spawned_child: 'yes', stopped_child: 'no', peer: 'no' },
};

/** A name outside the visibility set gets the same refusal whether or not it exists: no tool is an existence oracle. */
export function authorize(
  caller: PodName,
  power: Power,
  target: string,
  visible: ReadonlyMap<PodName, VisiblePod>,
): Result<VisiblePod, AuthorityRefusal> {
  const seen = visible.get(target as PodName);
  if (!seen) return err({ type: 'NotVisible', target });
  const refusal = refusalFor(caller, power, seen);
  return refusal ? err(refusal) : ok(seen);
}

export function refusalFor(caller: PodName, power: Power, seen: VisiblePod): AuthorityRefusal | undefined {
  const row = AUTHORITY[power];
  const standing = standingOf(seen);
  if (row[standing] === 'yes') return undefined;
  switch (standing) {
    case 'self':
      return { type: 'TargetIsSelf', target: seen.name, power };
    case 'peer':
      return { type: 'PeerIsNotChild', caller, target: seen.name, power };
    case 'stopped_child':
      if (row.spawned_child === 'yes') return { type: 'ChildStopped', target: seen.name, power };
      return { type: 'ChildIsNotPeer', caller, target: seen.name };
    case 'spawned_child':
      return { type: 'ChildIsNotPeer', caller, target: seen.name };
  }
}

const selfHints: Record<Power, string> = {
  restore: 'a Pod cannot restore itself',
  send: 'a Pod cannot send a user turn to itself',
  read_output: 'a Pod cannot read its own output through ReadPodOutput',
  stop: 'a Pod cannot stop itself with StopPod',
  send_peer: 'a Pod is not its own peer',
  hear_completion: 'a Pod is not told of its own turns',
};

const peerHints: Record<Power, string> = {
  restore: '',
  send: 'use SendToPeerPod',
  read_output: 'peers share no output cursor; ask it with SendToPeerPod',
  stop: 'only its parent can stop it',
  send_peer: '',
  hear_completion: 'only its parent is told when its turn ends',
};

const stoppedHints: Record<Power, string> = {
  restore: '',
  send: 'sending to it',
  read_output: '',
  stop: '',
  send_peer: '',
  hear_completion: 'it reports to its parent again',
};

export function briefRefusal(refusal: AuthorityRefusal): string {
  switch (refusal.type) {
    case 'NotVisible':
      return 'not visible to this Pod';
    case 'TargetIsSelf':
      return 'this is the calling Pod';
    case 'PeerIsNotChild':
      return 'a peer, not a spawned child';
    case 'ChildIsNotPeer':
      return 'a spawned child, not a peer';
    case 'ChildStopped':
      return 'a stopped child';
  }
}

export function describeRefusal(refusal: AuthorityRefusal): string {
  switch (refusal.type) {
    case 'NotVisible':
      return `pod \`${refusal.target}\` is not visible to this Pod`;
    case 'TargetIsSelf':
      return `pod \`${refusal.target}\` is the calling Pod; ${selfHints[refusal.power]}`;
    case 'PeerIsNotChild':
      return `pod \`${refusal.target}\` is a peer of \`${refusal.caller}\`, not its spawned child; ${peerHints[refusal.power]}`;
    case 'ChildIsNotPeer':
      return `pod \`${refusal.target}\` is a spawned child of \`${refusal.caller}\`, not a peer; use SendToPod`;
    case 'ChildStopped':
      return `pod \`${refusal.target}\` was stopped with StopPod; restore it with RestorePod before ${stoppedHints[refusal.power]}`;
  }
}
