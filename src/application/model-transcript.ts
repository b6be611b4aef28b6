import type { EntryOf, HistoryEntry } from '../domain/history-entry.js';
import { toolResultJson } from './tools/tool-result.js';

export type TranscriptToolCall = { readonly callId: string; readonly tool: string; readonly input: unknown };

/** Committed history as a provider-neutral chat: what every Model adapter sends, and nothing else. */
export type TranscriptMessage =
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls: readonly TranscriptToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

export type InputEntry = EntryOf<'user_input' | 'peer_message' | 'pod_event' | 'notice'>;
type Placed = { readonly seq: number; readonly message: TranscriptMessage };
type Step = { readonly calls: TranscriptToolCall[]; readonly pending: Set<string>; readonly held: Placed[]; answered: boolean };

/** Says only what the history proves: a call was committed and its result never was. */
export const LOST_RESULT = JSON.stringify({
  error: {
    kind: 'result_lost',
    message: 'no result was recorded for this call (the run stopped before it finished); it may or may not have taken effect',
  },
});

/**
 * Placements providers require: a step's results follow it directly, and a call with no committed result gets
 * `LOST_RESULT`, since chat APIs refuse a call that is never answered.
 */
export function toTranscript(history: readonly HistoryEntry[]): TranscriptMessage[] {
  const builder = new TranscriptBuilder();
  for (const entry of history) builder.add(entry);
  return builder.messages();
}

/** For a history that only grows; only the tail can still change, so `settled` says what a caller may keep encoded. */
export class TranscriptBuilder {
  private readonly placed: Placed[] = [];
  private step: Step | undefined;
  private count = 0;
  private lastSeq = 0;

  get taken(): { readonly count: number; readonly lastSeq: number } {
    return { count: this.count, lastSeq: this.lastSeq };
  }

  add(entry: HistoryEntry): void {
    this.count += 1;
    this.lastSeq = entry.seq;
    switch (entry.kind) {
      case 'assistant_message':
        this.step = this.open(entry, entry.text);
        break;
      case 'tool_call': {
        const step = !this.step || this.step.answered ? this.open(entry, '') : this.step;
        this.step = step;
        step.calls.push({ callId: entry.callId, tool: entry.tool, input: entry.input });
        step.pending.add(entry.callId);
        break;
      }
      case 'tool_result':
        if (this.step?.pending.delete(entry.callId)) {
          this.step.answered = true;
          this.placed.push({ seq: entry.seq, message: { role: 'tool', toolCallId: entry.callId, content: resultContent(entry) } });
          if (this.step.pending.size === 0) this.close();
        } else {
          this.place({ seq: entry.seq, message: { role: 'user', content: strayResult(entry) } });
        }
        break;
      case 'permission':
        // pods' answer to an agent's own request: the agent saw it as its tool's outcome; no model request needs it.
        break;
      default:
        this.place({ seq: entry.seq, message: { role: 'user', content: labelledInput(entry) } });
    }
  }

  messages(from = 0): TranscriptMessage[] {
    const step = this.step;
    const closing = step ? [...[...step.pending].map(lostResult), ...step.held] : [];
    return [...this.placed.slice(from), ...closing].map((p) => p.message);
  }

  /** How many leading messages no later entry can change (not trailing input a later step may move). */
  settled(): number {
    let settled = this.placed.length;
    while (settled > 0 && this.placed[settled - 1]!.message.role === 'user') settled -= 1;
    const step = this.step;
    if (step && !step.answered) {
      const opened = this.placed.findLastIndex((p) => p.message.role === 'assistant');
      if (opened >= 0) settled = Math.min(settled, opened);
    }
    return settled;
  }

  private close(): void {
    const step = this.step;
    if (!step) return;
    for (const callId of step.pending) this.placed.push(lostResult(callId));
    this.placed.push(...step.held);
    this.step = undefined;
  }

  private open(entry: EntryOf<'assistant_message' | 'tool_call'>, content: string): Step {
    this.close();
    const unseen = entry.seenThrough === undefined ? 0 : countUnseenTail(this.placed, entry.seenThrough);
    const held = this.placed.splice(this.placed.length - unseen, unseen);
    const opened: Step = { calls: [], pending: new Set(), held, answered: false };
    this.placed.push({ seq: entry.seq, message: { role: 'assistant', content, toolCalls: opened.calls } });
    return opened;
  }

  private place(message: Placed): void {
    if (this.step && this.step.pending.size > 0) this.step.held.push(message);
    else {
      this.close();
      this.placed.push(message);
    }
  }
}

const lostResult = (callId: string): Placed => ({ seq: Infinity, message: { role: 'tool', toolCallId: callId, content: LOST_RESULT } });

function countUnseenTail(placed: readonly Placed[], seenThrough: number): number {
  let count = 0;
  for (let i = placed.length - 1; i >= 0; i--) {
    const p = placed[i];
    if (!p || p.message.role !== 'user' || p.seq <= seenThrough) break;
    count++;
  }
  return count;
}

function resultContent(entry: EntryOf<'tool_result'>): string {
  return JSON.stringify(
    entry.outcome === 'ok'
      ? toolResultJson({ ok: true, summary: entry.summary, ...(entry.content !== undefined ? { content: entry.content } : {}) })
      : { error: { kind: entry.outcome, message: entry.summary } },
  );
}

/** A result whose call is not open (a history that starts mid-step): kept, as user text, so nothing is dropped. */
function strayResult(entry: EntryOf<'tool_result'>): string {
  return `[Result of \`${entry.tool}\` call \`${entry.callId}\`, whose call is not in this transcript]\n${resultContent(entry)}`;
}

/** From verified fields, never the text; Pod names hold no backtick or newline, so a name cannot forge a label. */
export function labelledInput(entry: InputEntry): string {
  switch (entry.kind) {
    case 'user_input':
      return entry.origin.type === 'operator' ? entry.text : `[From parent Pod \`${entry.origin.parent}\`]\n${entry.text}`;
    case 'peer_message':
      return `[Peer message #${entry.pairSeq} from \`${entry.from}\`]\n${entry.body}`;
    case 'pod_event':
      return `[Pod event] child \`${entry.child}\` ${CHILD_EVENT[entry.event]}${entry.message === undefined ? '' : `: ${entry.message}`}`;
    case 'notice':
      return `[Notice: ${entry.code}] ${entry.text}`;
  }
}

const CHILD_EVENT = { finished: 'finished its turn', errored: 'errored', stopped: 'was stopped' } as const;

const MESSAGE_OVERHEAD = 24;

export function transcriptSize(entry: HistoryEntry): number {
  switch (entry.kind) {
    case 'assistant_message':
      return MESSAGE_OVERHEAD + entry.text.length;
    case 'tool_call':
      return MESSAGE_OVERHEAD + entry.callId.length + entry.tool.length + (JSON.stringify(entry.input)?.length ?? 2);
    case 'tool_result':
      return MESSAGE_OVERHEAD + entry.callId.length + resultContent(entry).length;
    case 'permission':
      return 0;
    default:
      return MESSAGE_OVERHEAD + labelledInput(entry).length;
  }
}
