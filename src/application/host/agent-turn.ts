import { inject, injectable } from 'inversify';
import type { HistoryEntry, HistoryEntryBody } from '../../domain/history-entry.js';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import type { AcpProfile } from '../../domain/profile.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import type { AgentRequests, AgentStopReason } from '../ports/coding-agents.js';
import type { ObservedTurnEnd, TurnEnding } from '../ports/live-events.js';
import { POD_EVENTS, type PodEvents } from '../ports/pod-events.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { AGENT_HOST_CONFIG, type AgentHostConfig } from './agent-host-config.js';
import { isPodsTool, ruleOf } from './agent-permissions.js';
import { agentStateDir, agentWorkingDir } from './agent-paths.js';
import { decidePermission, describePermissionDecision } from '../../domain/permission-decision.js';
import { AbsolutePath } from '../../domain/absolute-path.js';
import { agentSecrets, withoutSecrets } from './agent-secrets.js';
import { agentDigest } from './agent-digest.js';
import { agentPrompt } from './agent-prompt.js';
import { AgentSessions } from './agent-sessions.js';
import { AgentTurnRecorder } from './agent-turn-recorder.js';
import { Watchdog } from './watchdog.js';

export type AgentTurnCommand = {
  readonly pod: Pod;
  readonly profile: AcpProfile;
  readonly history: readonly HistoryEntry[];
  readonly trigger: readonly HistoryEntry[];
  readonly signal?: AbortSignal;
};

const END_OF: Record<Exclude<AgentStopReason, 'end_turn'>, { readonly end: ObservedTurnEnd; readonly why: string }> = {
  max_tokens: { end: 'errored', why: 'it reached its token limit' },
  max_turn_requests: { end: 'step_limit', why: 'it reached its limit of model requests for one turn' },
  refusal: { end: 'errored', why: 'it refused to go on' },
  // Not the operator's cancel (that one aborts the signal): the parent must hear the turn ended.
  cancelled: { end: 'errored', why: 'it cancelled the turn itself, though nobody asked it to (Codex does so when one of its actions is refused)' },
};

/** A cancelled, exited or silent agent is ended (killed after a grace period); the next input starts it again. */
@injectable()
export class AgentTurn {
  /** An agent process outlives its turn, and so do the permission answers it was given: they find the current turn here. */
  private readonly inFlight = new Map<PodName, { readonly recorder: AgentTurnRecorder; readonly watchdog: Watchdog }>();

  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(AgentSessions) private readonly sessions: AgentSessions,
    @inject(POD_EVENTS) private readonly events: PodEvents,
    @inject(AGENT_HOST_CONFIG) private readonly config: AgentHostConfig,
  ) {}

  async run(command: AgentTurnCommand): Promise<TurnEnding> {
    const { pod, profile, history, trigger, signal } = command;
    const seenThrough = history.at(-1)?.seq ?? 0;
    const secrets = agentSecrets(profile, this.config.env);
    const append = (body: HistoryEntryBody): Promise<HistoryEntry> => this.append(pod, withoutSecrets(body, secrets));
    this.events.publish({ type: 'step_started', pod: pod.name, step: 1, seenThrough });
    const requests = this.requests(pod, profile, append);
    let ready;
    try {
      ready = await this.sessions.ready(pod, profile, requests);
    } catch (error) {
      const why = `its agent (profile \`${profile.name}\`) could not start: ${lineOf(error)}`;
      await append({ kind: 'notice', code: 'run_errored', text: `the agent of profile \`${profile.name}\` could not start: ${lineOf(error)}`, seenThrough });
      return { end: 'errored', steps: 1, why };
    }
    const { process, sessionId } = ready;
    let prompt = agentPrompt(trigger);
    if (ready.lostSession) {
      await append({ kind: 'notice', code: 'agent_session_new', text: 'the agent could not resume its earlier session; a new one began with a digest of recent history' });
      prompt = `${await agentDigest(this.uow, pod.name, history, trigger[0]?.seq ?? seenThrough + 1)}\n\n${prompt}`;
    }

    const recorder = new AgentTurnRecorder(pod.name, seenThrough, append, this.events);
    const watchdog = new Watchdog(this.config.silenceMs, () => void process.stop());
    this.inFlight.set(pod.name, { recorder, watchdog });
    let kill: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      void process.cancel(sessionId).catch(() => undefined);
      kill = setTimeout(() => void process.stop(), this.config.cancelGraceMs);
      kill.unref?.();
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let stop: AgentStopReason | undefined;
    let failure: unknown;
    try {
      stop = await process.prompt(sessionId, prompt, (update) => {
        watchdog.reset();
        recorder.update(update);
      });
    } catch (error) {
      failure = error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (kill) clearTimeout(kill);
      watchdog.stop();
      this.inFlight.delete(pod.name);
    }
    await recorder.finish();
    const leftOut = recorder.leftOutSummary();
    if (leftOut) await append({ kind: 'notice', code: 'agent_stopped', text: leftOut });

    if (signal?.aborted) {
      // An agent is not trusted to be itself after a cancel: Claude Code 0.23.1 answers the next
      // prompt with nothing (and each later one with the answer to the one before), Codex keeps the
      // abandoned model request open. The next turn starts it again and resumes the session.
      await this.sessions.release(pod.name);
      await append({ kind: 'notice', code: 'turn_cancelled', text: 'the operator cancelled this turn', seenThrough });
      return { end: 'cancelled', steps: 1 };
    }
    if (failure !== undefined || stop === undefined) {
      await this.sessions.release(pod.name);
      const why = watchdog.fired ? `it sent nothing for ${Math.round(this.config.silenceMs / 1000)} s and was stopped` : lineOf(failure);
      await append({ kind: 'notice', code: 'run_errored', text: `the agent failed: ${why}`, seenThrough });
      return { end: 'errored', steps: 1, why: `its agent failed: ${why}` };
    }
    this.sessions.idleFrom(pod.name, profile.idleMs);
    if (stop === 'end_turn') return { end: 'finished', steps: 1 };
    const { end, why } = END_OF[stop];
    await append({ kind: 'notice', code: 'agent_stopped', text: `the agent ended its turn early: ${why}`, seenThrough });
    return { end, steps: 1, why: `its agent ended its turn early: ${why}` };
  }

  private requests(pod: Pod, profile: AcpProfile, append: (body: HistoryEntryBody) => Promise<HistoryEntry>): AgentRequests {
    const cwd = agentWorkingDir(pod, agentStateDir(this.config.home, pod.name));
    return {
      permission: async (request) => {
        const turn = this.inFlight.get(pod.name);
        turn?.watchdog.reset();
        await turn?.recorder.beforePermission(request.callId);
        const decision = decidePermission(
          { kind: request.toolKind, locations: request.locations.map((path) => ({ path })), isPodsTool: isPodsTool(request) },
          { confinement: await this.sessions.confinementOf(pod, profile), confined: this.sessions.isConfined(pod.name), cwd: AbsolutePath.unsafe(cwd) },
        );
        const reason = describePermissionDecision(decision);
        const rule = ruleOf(decision);
        await append({
          kind: 'permission', callId: request.callId, title: request.title, locations: request.locations,
          decision: decision.allow ? 'allowed' : 'rejected', reason,
          ...(request.toolKind !== undefined ? { toolKind: request.toolKind } : {}), ...(rule !== undefined ? { rule } : {}),
        });
        if (!decision.allow) this.events.publish({ type: 'note', pod: pod.name, text: `refused ${request.title}: ${reason}` });
        return decision.allow ? 'allow' : 'reject';
      },
    };
  }

  private append(pod: Pod, body: HistoryEntryBody): Promise<HistoryEntry> {
    return this.uow.run((repos) => repos.history.append(pod.name, body, this.clock.now()));
  }
}

const lineOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
