import type { PodName } from '../../domain/pod-name.js';
import type { ToolErrorKind } from '../tools/tool-result.js';

/** How a turn ended (RunTurn's `TurnEnd`, without `nothing_to_do`: such a turn never started). */
export type ObservedTurnEnd = 'finished' | 'errored' | 'step_limit' | 'cancelled';

/** What a driver's turn came to; `why`, for an end short of finished, is what its parent is told. */
export type TurnEnding = { readonly end: ObservedTurnEnd; readonly steps: number; readonly why?: string };

/** Reported around each commit; nothing here is history: a viewer shows it and forgets it. */
export type TurnEvent =
  | { readonly type: 'turn_started'; readonly pod: PodName; readonly hostId: string }
  /** `seenThrough`: the newest entry the step's model request holds. */
  | { readonly type: 'step_started'; readonly pod: PodName; readonly step: number; readonly seenThrough: number }
  | { readonly type: 'text'; readonly pod: PodName; readonly delta: string }
  | { readonly type: 'tool_started'; readonly pod: PodName; readonly callId: string; readonly tool: string }
  | { readonly type: 'tool_finished'; readonly pod: PodName; readonly callId: string; readonly tool: string; readonly outcome: 'ok' | ToolErrorKind; readonly summary: string }
  | { readonly type: 'step_committed'; readonly pod: PodName; readonly step: number }
  | { readonly type: 'note'; readonly pod: PodName; readonly text: string }
  /** Once per started turn, after all it committed; `error`: the turn broke off, what it committed stays. */
  | {
      readonly type: 'turn_ended'; readonly pod: PodName; readonly end: ObservedTurnEnd; readonly steps: number;
      readonly ms: number; readonly answered: number; readonly reportedTo?: PodName; readonly error?: string;
    };

/** What a host's runtime says about itself: not about one turn, and only in its own process. */
export type HostEvent =
  /** `holder`: the host that runs the Pod now; none: its lease was ended (its parent stopped it, or it was released). */
  | { readonly type: 'lease_lost'; readonly pod: PodName; readonly holder?: string }
  /** Once per outage: the store stopped answering; the host keeps its Pods and retries. */
  | { readonly type: 'store_unreachable'; readonly error: string }
  | { readonly type: 'store_back'; readonly downMs: number }
  /** The outage outlasted `storeOutageLimitMs`: the host gives up; its owner should shut it down. */
  | { readonly type: 'store_lost'; readonly downMs: number };

/** An operator's cancel of a turn another process runs, and that host's answer; none of it is history. */
export type CancelEvent =
  | { readonly type: 'cancel_requested'; readonly pod: PodName; readonly hostId: string }
  /** `cancelled`: a turn was in flight and stops after its current step; false: there was none. */
  | { readonly type: 'cancel_answered'; readonly pod: PodName; readonly hostId: string; readonly cancelled: boolean };

export type SharedLiveEvent = TurnEvent | CancelEvent;

export type LiveEvent = SharedLiveEvent | HostEvent;

const SHARED: ReadonlySet<string> = new Set<SharedLiveEvent['type']>([
  'turn_started', 'step_started', 'text', 'tool_started', 'tool_finished', 'step_committed', 'note', 'turn_ended', 'cancel_requested', 'cancel_answered',
]);

/** Whether other processes on the store hear `event` (a host's own runtime events stay in its process). */
export const isShared = (event: LiveEvent): event is SharedLiveEvent => SHARED.has(event.type);
