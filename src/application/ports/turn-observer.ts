import type { ServiceIdentifier } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import type { ToolErrorKind } from '../tools/tool-result.js';

/** How a turn ended (RunTurn's `TurnEnd`, without `nothing_to_do`: such a turn never started). */
export type ObservedTurnEnd = 'finished' | 'errored' | 'step_limit' | 'cancelled';

/** What a driver's turn came to; `why`, for an end short of finished, is what its parent is told. */
export type TurnEnding = { readonly end: ObservedTurnEnd; readonly steps: number; readonly why?: string };

/**
 * What a running turn reports as it goes, before (text, tool starts) and after (results,
 * steps) each commit. Nothing here is history: a viewer shows it and forgets it; what a
 * model saw and did is what the history holds.
 */
export type TurnEvent =
  /** `seenThrough`: the newest entry the step's model request holds. */
  | { readonly type: 'step_started'; readonly pod: PodName; readonly step: number; readonly seenThrough: number }
  | { readonly type: 'text'; readonly pod: PodName; readonly delta: string }
  | { readonly type: 'tool_started'; readonly pod: PodName; readonly callId: string; readonly tool: string }
  | { readonly type: 'tool_finished'; readonly pod: PodName; readonly callId: string; readonly tool: string; readonly outcome: 'ok' | ToolErrorKind; readonly summary: string }
  | { readonly type: 'step_committed'; readonly pod: PodName; readonly step: number }
  | { readonly type: 'note'; readonly pod: PodName; readonly text: string }
  | { readonly type: 'turn_ended'; readonly pod: PodName; readonly end: ObservedTurnEnd; readonly steps: number };

/** Where RunTurn reports; an adapter fans it out to whoever watches (the TUI) in this process. */
export interface TurnObserver {
  report(event: TurnEvent): void;
}
export const TURN_OBSERVER = Symbol.for('TurnObserver') as ServiceIdentifier<TurnObserver>;

/** The watching side: listeners of every turn run in this process. */
export interface TurnFeed {
  subscribe(listener: (event: TurnEvent) => void): () => void;
}
export const TURN_FEED = Symbol.for('TurnFeed') as ServiceIdentifier<TurnFeed>;
