import { inject, injectable } from 'inversify';
import { effectiveScope, type EffectiveScope } from '../../domain/effective-scope.js';
import { lentScope } from '../../domain/child-ownership.js';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import type { AcpProfile } from '../../domain/profile.js';
import { AbsolutePath } from '../../domain/absolute-path.js';
import type { Confinement } from '../../domain/confinement.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { AgentFailure, CODING_AGENTS, POD_TOOL_CHANNELS, type AgentProcess, type AgentRequests, type CodingAgents, type PodToolChannels } from '../ports/coding-agents.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { AGENT_HOST_CONFIG, type AgentHostConfig } from './agent-host-config.js';
import { agentStateDir, agentWorkingDir } from './agent-paths.js';
import { agentSecrets } from './agent-secrets.js';

/** A Pod's agent, ready for a prompt. `resumed: false` with `lostSession`: its earlier session could not be loaded. */
export type ReadyAgent = { readonly process: AgentProcess; readonly sessionId: string; readonly lostSession: boolean };

type Live = {
  readonly process: AgentProcess;
  readonly sessionId: string;
  /** The scope and profile it was started with: a change restarts it (its confinement is fixed at start). */
  readonly key: string;
  idle: NodeJS.Timeout | undefined;
};

/** Kept between turns, parked after its profile's idle time and resumed (`session/load`); a changed scope restarts it. */
@injectable()
export class AgentSessions {
  private readonly live = new Map<PodName, Live>();

  constructor(
    @inject(CODING_AGENTS) private readonly agents: CodingAgents,
    @inject(POD_TOOL_CHANNELS) private readonly channels: PodToolChannels,
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(AGENT_HOST_CONFIG) private readonly config: AgentHostConfig,
  ) {}

  async scopeOf(pod: Pod): Promise<EffectiveScope> {
    const children = await this.uow.run((repos) => repos.children.listByParents([pod.name]));
    return effectiveScope(pod.scope, lentScope(children));
  }

  /** Never the rest of `$PODS_HOME`: other Pods' state, the profiles, the store when it lives there. */
  async confinementOf(pod: Pod, profile: AcpProfile): Promise<Confinement> {
    return {
      scope: await this.scopeOf(pod),
      stateDirectory: AbsolutePath.unsafe(agentStateDir(this.config.home, pod.name)),
      readOnly: profile.readOnly,
      withheld: [AbsolutePath.unsafe(this.config.home)],
    };
  }

  async ready(pod: Pod, profile: AcpProfile, requests: AgentRequests): Promise<ReadyAgent> {
    const confinement = await this.confinementOf(pod, profile);
    const key = JSON.stringify([profile, confinement]);
    const current = this.live.get(pod.name);
    if (current && current.key === key) {
      if (current.idle) clearTimeout(current.idle);
      current.idle = undefined;
      return { process: current.process, sessionId: current.sessionId, lostSession: false };
    }
    if (current) await this.release(pod.name);

    const stateDir = agentStateDir(this.config.home, pod.name);
    const mcpServer = await this.channels.open(pod.name, stateDir, agentSecrets(profile, this.config.env));
    let process: AgentProcess | undefined;
    try {
      process = await this.agents.start({
        pod: pod.name, profile, stateDir, cwd: agentWorkingDir(pod, stateDir), confinement,
        currentConfinement: () => this.confinementOf(pod, profile), mcpServer, requests, hostEnv: this.config.env,
      });
      const stored = await this.uow.run((repos) => repos.agentSessions.get(pod.name));
      let sessionId = stored !== undefined && process.canLoad && (await process.loadSession(stored)) ? stored : undefined;
      const lostSession = stored !== undefined && sessionId === undefined;
      if (sessionId === undefined) {
        sessionId = await process.newSession();
        const id = sessionId;
        await this.uow.run((repos) => repos.agentSessions.save(pod.name, id, this.clock.now()));
      }
      const live: Live = { process, sessionId, key, idle: undefined };
      this.live.set(pod.name, live);
      // An agent that exits between turns is started again by the next one.
      void process.exited.then(() => {
        if (this.live.get(pod.name) === live) this.forget(pod.name, live);
      });
      return { process, sessionId, lostSession };
    } catch (error) {
      await process?.stop();
      await this.channels.close(pod.name);
      throw error instanceof AgentFailure ? error : new AgentFailure(error instanceof Error ? error.message : String(error));
    }
  }

  idleFrom(pod: PodName, idleMs: number): void {
    const live = this.live.get(pod);
    if (!live) return;
    if (live.idle) clearTimeout(live.idle);
    live.idle = setTimeout(() => void this.release(pod), idleMs);
    live.idle.unref?.();
  }

  isRunning(pod: PodName): boolean {
    return this.live.has(pod);
  }

  isConfined(pod: PodName): boolean {
    return this.live.get(pod)?.process.confined ?? false;
  }

  async release(pod: PodName): Promise<void> {
    const live = this.live.get(pod);
    if (live) {
      this.forget(pod, live);
      await live.process.stop();
    }
    await this.channels.close(pod);
  }

  async discard(pod: PodName): Promise<'removed' | 'none'> {
    await this.release(pod);
    return this.agents.removeState(agentStateDir(this.config.home, pod));
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((pod) => this.release(pod)));
  }

  private forget(pod: PodName, live: Live): void {
    if (live.idle) clearTimeout(live.idle);
    this.live.delete(pod);
  }
}
