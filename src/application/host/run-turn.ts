import { displayValue } from '../../domain/display.js';
import { inject, injectable } from 'inversify';
import { authorize } from '../../domain/authority.js';
import type { HistoryEntry, HistoryEntryBody } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { orphanToolCalls, parentOf, unansweredInput, watermark } from '../../domain/turn-trigger.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { MODEL, type Model } from '../ports/model.js';
import type { ObservedTurnEnd, TurnEnding } from '../ports/live-events.js';
import { POD_EVENTS, type PodEvents } from '../ports/pod-events.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { PodTools } from '../tools/pod-tools.js';
import { DEFAULT_CONTEXT_BUDGET, HOST_CONFIG, type HostConfig } from './host-config.js';
import { KnownHistory } from './known-history.js';
import { requestHistory } from './request-history.js';
import { AgentTurn } from './agent-turn.js';
import { findProfile, PROFILE_CATALOG, type ProfileCatalog } from '../ports/profile-catalog.js';
import type { Pod } from '../../domain/pod.js';
import type { Profile } from '../../domain/profile.js';
import { DEFAULT_PROFILE_NAME } from '../../domain/profile-name.js';
import { visibilitySet } from '../../domain/visibility.js';

export type TurnEnd = ObservedTurnEnd | 'nothing_to_do';
export type TurnReport = {
  readonly end: TurnEnd;
  readonly steps: number;
  readonly trigger: readonly HistoryEntry[];
  readonly reportedTo?: PodName;
};

/** Requests read committed history only, and all they produce commits before the next: a crash leaves history consistent. */
@injectable()
export class RunTurn {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(MODEL) private readonly model: Model,
    @inject(PodTools) private readonly tools: PodTools,
    @inject(HOST_CONFIG) private readonly config: HostConfig,
    @inject(POD_EVENTS) private readonly events: PodEvents,
    @inject(KnownHistory) private readonly known: KnownHistory,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
    @inject(AgentTurn) private readonly agentTurn: AgentTurn,
  ) {}

  async execute(command: {
    readonly pod: PodName;
    readonly signal?: AbortSignal;
    readonly onStart?: () => Promise<void>;
  }): Promise<Result<TurnReport, PodNotFound>> {
    const { pod, signal, onStart } = command;
    const read = await this.uow.run(async (repos) => {
      const record = await repos.pods.get(pod);
      return record && { record, history: await this.known.read(repos, pod, this.config.contextBudget ?? DEFAULT_CONTEXT_BUDGET) };
    });
    if (!read) return err(podNotFound(pod));
    const { record } = read;
    let start = read.history;
    let trigger = unansweredInput(start);
    let orphans = orphanToolCalls(start);
    if (trigger.length === 0 && orphans.length === 0) return ok({ end: 'nothing_to_do', steps: 0, trigger });
    await onStart?.();
    const profile = await this.profileOf(record);
    if (profile?.driver === 'model') {
      // A model's first trim names what leaves its window, and a first read may not hold all of it (ADR 0020).
      const whole = await this.uow.run((repos) => this.known.settle(repos, pod));
      if (whole) {
        start = whole;
        trigger = unansweredInput(start);
        orphans = orphanToolCalls(start);
      }
    }

    for (const orphan of orphans) {
      if (orphan.kind !== 'tool_call') continue;
      await this.append(pod, {
        kind: 'tool_result', callId: orphan.callId, tool: orphan.tool, outcome: 'execution_failed',
        summary: 'the host stopped before this call finished; its result is unknown and it was not retried',
        ...(orphan.agent ? { agent: { status: 'unknown' } } : {}),
      });
    }

    const ended: TurnEnding = profile === undefined
      ? await this.noProfile(record)
      : profile.driver === 'acp'
        ? await this.agentTurn.run({ pod: record, profile, history: start, trigger, ...(signal ? { signal } : {}) })
        : await this.steps(pod, signal);
    // An agent keeps its own context: its later turns need the input after the watermark, no
    // older history (a new session's digest reads the store), so the host's copy stays small.
    if (profile?.driver === 'acp') this.known.keepFrom(pod, watermark(start));
    const { end, steps } = ended;
    const parent = parentOf(trigger);
    const reportedTo = parent && (end === 'finished' || end === 'errored' || end === 'step_limit')
      ? await this.reportToParent(parent, pod, end, ended.why)
      : undefined;
    return ok({ end, steps, trigger, ...(reportedTo ? { reportedTo } : {}) });
  }

  private async steps(pod: PodName, signal: AbortSignal | undefined): Promise<{ end: ObservedTurnEnd; steps: number }> {
    const specs = this.tools.specs((await this.profiles.list()).map((p) => p.name));
    for (let step = 1; step <= this.config.stepLimit; step++) {
      const history = await requestHistory(pod, this.config.contextBudget ?? DEFAULT_CONTEXT_BUDGET, { uow: this.uow, known: this.known, append: (p, body) => this.append(p, body) });
      const seenThrough = history.at(-1)?.seq ?? 0;
      this.events.publish({ type: 'step_started', pod, step, seenThrough });
      const reply = await this.model.complete({
        pod, history, tools: specs, ...(signal ? { signal } : {}),
        onStream: (event) => {
          if (event.type === 'text') this.events.publish({ type: 'text', pod, delta: event.delta });
          else if (event.type === 'note') this.events.publish({ type: 'note', pod, text: event.text });
        },
      });
      if (signal?.aborted) {
        await this.append(pod, { kind: 'notice', code: 'turn_cancelled', text: 'the operator cancelled this turn', seenThrough });
        return { end: 'cancelled', steps: step };
      }
      if (!reply.ok) {
        await this.append(pod, { kind: 'notice', code: 'run_errored', text: `model request failed: ${reply.error}`, seenThrough });
        return { end: 'errored', steps: step };
      }
      // An empty reply is still an answer: recording it moves the watermark, so the
      // same input does not start turn after turn.
      if (reply.text !== '' || reply.toolCalls.length === 0) {
        await this.append(pod, { kind: 'assistant_message', text: reply.text, seenThrough });
      }
      for (const call of reply.toolCalls) {
        await this.append(pod, { kind: 'tool_call', callId: call.callId, tool: call.tool, input: call.input, seenThrough });
      }
      this.events.publish({ type: 'step_committed', pod, step });
      if (reply.toolCalls.length === 0) return { end: 'finished', steps: step };
      for (const call of reply.toolCalls) {
        this.events.publish({ type: 'tool_started', pod, callId: call.callId, tool: call.tool });
        const result = await this.tools.execute(pod, call.tool, call.input, { seen: seenThrough, ...(signal ? { signal } : {}) });
        this.events.publish({ type: 'tool_finished', pod, callId: call.callId, tool: call.tool, outcome: result.ok ? 'ok' : result.kind, summary: result.ok ? result.summary : result.message });
        await this.append(pod, result.ok
          ? { kind: 'tool_result', callId: call.callId, tool: call.tool, outcome: 'ok', summary: result.summary, ...(result.content !== undefined ? { content: result.content } : {}) }
          : // A name that is no tool came from the model: the call keeps it, its result names it bounded.
            { kind: 'tool_result', callId: call.callId, tool: this.tools.names().includes(call.tool) ? call.tool : displayValue(call.tool), outcome: result.kind, summary: result.message });
      }
      if (signal?.aborted) {
        await this.append(pod, { kind: 'notice', code: 'turn_cancelled', text: 'the operator cancelled this turn' });
        return { end: 'cancelled', steps: step };
      }
    }
    await this.append(pod, { kind: 'notice', code: 'step_limit', text: `the turn stopped after ${this.config.stepLimit} model steps` });
    return { end: 'step_limit', steps: this.config.stepLimit };
  }

  private async profileOf(pod: Pod): Promise<Profile | undefined> {
    return findProfile(this.profiles, pod.profile ?? DEFAULT_PROFILE_NAME);
  }

  /** The Pod's profile is gone from this host (removed since it took the Pod): say so once per input, run nothing. */
  private async noProfile(pod: Pod): Promise<{ end: ObservedTurnEnd; steps: number }> {
    const names = (await this.profiles.list()).map((p) => p.name).join(', ');
    await this.append(pod.name, { kind: 'notice', code: 'run_errored', text: `this host has no profile \`${pod.profile ?? DEFAULT_PROFILE_NAME}\` (it knows: ${names}); nothing ran` });
    return { end: 'errored', steps: 0 };
  }

  /** Only the Pod's current parent hears of it, and only while the child is outstanding (AUTHORITY's `hear_completion`). */
  private async reportToParent(parent: PodName, child: PodName, end: 'finished' | 'errored' | 'step_limit', why: string | undefined): Promise<PodName | undefined> {
    const reported = await this.uow.run(async (repos) => {
      const edge = await repos.children.findByChild(child);
      if (!authorize(parent, 'hear_completion', child, visibilitySet(parent, edge ? [edge] : [], [])).ok) return false;
      await repos.history.append(parent, end === 'finished'
        ? { kind: 'pod_event', child, event: 'finished' }
        : { kind: 'pod_event', child, event: 'errored', message: why ?? (end === 'step_limit' ? `stopped after ${this.config.stepLimit} model steps` : 'its model request failed') },
        this.clock.now());
      return true;
    });
    return reported ? parent : undefined;
  }

  private append(pod: PodName, body: HistoryEntryBody): Promise<HistoryEntry> {
    return this.uow.run((repos) => repos.history.append(pod, body, this.clock.now()));
  }
}
