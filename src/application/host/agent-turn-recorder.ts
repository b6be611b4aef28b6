import type { AgentToolOutcome, HistoryEntry, HistoryEntryBody } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import type { AgentUpdate } from '../ports/coding-agents.js';
import type { PodEvents } from '../ports/pod-events.js';
import { AGENT_TURN_LIMITS, boundedInput, boundedOutput, clip } from './agent-turn-limits.js';

type OpenCall = { title: string; toolKind?: string; locations?: readonly string[]; output?: string; input?: unknown; announced: boolean };

/**
 * A call announced before its input (Claude Code sends `{}`) waits until it says something, so history holds what it
 * does. Commits run one at a time, so a flood of updates costs bounded memory.
 */
export class AgentTurnRecorder {
  private text = '';
  private pendingText = 0;
  private turnText = 0;
  private leftOut = 0;
  private recordedCalls = 0;
  /** Calls past the per-turn bound (their later updates are ignored too); bounded by what one turn sends. */
  private readonly ignored = new Set<string>();
  private committed = 0;
  private readonly calls = new Map<string, OpenCall>();
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly pod: PodName,
    private readonly seenThrough: number,
    private readonly append: (body: HistoryEntryBody) => Promise<HistoryEntry>,
    private readonly events: PodEvents,
  ) {}

  update(update: AgentUpdate): void {
    if (update.type === 'text') return this.addText(update.delta);
    let call = this.calls.get(update.callId);
    if (!call) {
      if (this.recordedCalls >= AGENT_TURN_LIMITS.toolCalls || this.ignored.has(update.callId)) {
        if (!this.ignored.has(update.callId)) this.ignored.add(update.callId);
        return;
      }
      this.recordedCalls += 1;
      call = { title: clip(update.title ?? update.toolKind ?? 'tool call', AGENT_TURN_LIMITS.titleChars), announced: false };
      this.calls.set(update.callId, call);
      // Text said before the call stays before it in history.
      const before = this.takeText();
      this.enqueue(() => this.commitText(before));
      this.events.publish({ type: 'tool_started', pod: this.pod, callId: update.callId, tool: call.title });
    } else if (update.title) {
      call.title = clip(update.title, AGENT_TURN_LIMITS.titleChars);
    }
    Object.assign(call, details(update));
    // A later empty input never hides one that said something.
    if (update.input !== undefined && (hasInput(update.input) || call.input === undefined)) call.input = update.input;
    if (hasInput(update.input) || (update.status !== undefined && update.status !== 'pending')) this.announce(update.callId);
    if (update.status === 'completed' || update.status === 'failed') this.end(update.callId, update.status);
  }

  /** The agent asks permission for this call: its `tool_call` entry is committed first, so history reads in order. */
  async beforePermission(callId: string): Promise<void> {
    this.announce(callId);
    await this.chain;
  }

  async finish(): Promise<{ readonly committed: number }> {
    for (const callId of [...this.calls.keys()]) this.end(callId, 'unknown');
    const rest = this.takeText();
    this.enqueue(async () => {
      await this.commitText(rest);
      // Nothing at all is still an answer: recording it moves the watermark past the prompt's input.
      if (this.committed === 0) await this.commit({ kind: 'assistant_message', text: '', seenThrough: this.seenThrough });
    });
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
    return { committed: this.committed };
  }

  leftOutSummary(): string | undefined {
    const parts = [
      ...(this.leftOut > 0 ? [`${this.leftOut} characters of text`] : []),
      ...(this.ignored.size > 0 ? [`${this.ignored.size} tool calls past the first ${AGENT_TURN_LIMITS.toolCalls}`] : []),
    ];
    return parts.length > 0 ? `the agent sent more than a turn keeps; left out of history: ${parts.join(', ')}` : undefined;
  }

  private addText(delta: string): void {
    if (delta === '') return;
    this.events.publish({ type: 'text', pod: this.pod, delta });
    if (this.pendingText + delta.length > AGENT_TURN_LIMITS.pendingTextChars || this.turnText + delta.length > AGENT_TURN_LIMITS.turnTextChars) {
      this.leftOut += delta.length;
      return;
    }
    this.text += delta;
    this.pendingText += delta.length;
    this.turnText += delta.length;
    if (this.text.length >= AGENT_TURN_LIMITS.textChars) {
      const full = this.takeText();
      this.enqueue(() => this.commitText(full));
    }
  }

  private announce(callId: string): void {
    const call = this.calls.get(callId);
    if (!call || call.announced) return;
    call.announced = true;
    const body: HistoryEntryBody = {
      kind: 'tool_call', callId, tool: call.title, input: boundedInput(call.input), seenThrough: this.seenThrough,
      agent: { ...(call.toolKind !== undefined ? { toolKind: call.toolKind } : {}), ...(call.locations ? { locations: call.locations } : {}) },
    };
    this.enqueue(() => this.commit(body));
  }

  private end(callId: string, status: AgentToolOutcome['status']): void {
    this.announce(callId);
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    const { output, cutBytes } = boundedOutput(call.output);
    const summary = status === 'completed' ? 'the agent reported it done' : status === 'failed' ? 'the agent reported it failed' : 'the agent ended its turn without reporting how this call ended';
    this.enqueue(() => this.commit({
      kind: 'tool_result', callId, tool: call.title, outcome: status === 'completed' ? 'ok' : 'execution_failed', summary,
      agent: { status, ...(call.locations ? { locations: call.locations } : {}), ...(output !== undefined ? { output } : {}), ...(cutBytes ? { cutBytes } : {}) },
    }));
    this.events.publish({ type: 'tool_finished', pod: this.pod, callId, tool: call.title, outcome: status === 'completed' ? 'ok' : 'execution_failed', summary });
  }

  private takeText(): string {
    const text = this.text;
    this.text = '';
    return text;
  }

  private async commitText(text: string): Promise<void> {
    if (text === '') return;
    await this.commit({ kind: 'assistant_message', text, seenThrough: this.seenThrough });
    this.pendingText -= text.length;
  }

  private async commit(body: HistoryEntryBody): Promise<void> {
    await this.append(body);
    this.committed += 1;
  }

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await work();
      } catch (error) {
        this.failure = error;
      }
    });
  }
}

function details(update: Extract<AgentUpdate, { type: 'tool' }>): Partial<OpenCall> {
  return {
    ...(update.toolKind !== undefined ? { toolKind: update.toolKind } : {}),
    ...(update.locations ? { locations: update.locations.slice(0, 32) } : {}),
    ...(update.output !== undefined ? { output: update.output.slice(0, AGENT_TURN_LIMITS.outputChars * 4) } : {}),
  };
}

/** An input that says something: not absent, and not the `{}` an agent sends before the real one. */
const hasInput = (input: unknown): boolean =>
  input !== undefined && input !== null && !(typeof input === 'object' && !Array.isArray(input) && Object.keys(input).length === 0);
