import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { hostRunsTurns, isLive, type Lease, type PodDriver, type RuntimeStatus } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { HISTORY_FEED, type HistoryFeed } from '../ports/history-feed.js';
import { isStoreUnavailable } from '../ports/store-unavailable.js';
import { HOST_SIGNALS, type HostSignal, type HostSignals } from '../ports/host-signals.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { HOST_CONFIG, type HostConfig } from './host-config.js';
import { KnownHistory } from './known-history.js';
import { AgentSessions } from './agent-sessions.js';
import { PROFILE_CATALOG, type ProfileCatalog } from '../ports/profile-catalog.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import { RunTurn, type TurnReport } from './run-turn.js';

export type HostEvent =
  | { readonly type: 'turn_started'; readonly pod: PodName }
  | { readonly type: 'turn_ended'; readonly pod: PodName; readonly report: TurnReport; readonly ms: number }
  | { readonly type: 'turn_failed'; readonly pod: PodName; readonly error: string }
  /** `holder`: the host that runs the Pod now; none: its lease was ended (its parent stopped it, or it was released). */
  | { readonly type: 'lease_lost'; readonly pod: PodName; readonly holder?: string }
  /** Once per outage: the store stopped answering; the host keeps its Pods and retries. */
  | { readonly type: 'store_unreachable'; readonly error: string }
  | { readonly type: 'store_back'; readonly downMs: number }
  /** The outage outlasted `storeOutageLimitMs`: the host gives up; its owner should shut it down. */
  | { readonly type: 'store_lost'; readonly downMs: number };

type Running = {
  status: RuntimeStatus;
  turn: Promise<void> | undefined;
  abort: AbortController | undefined;
  again: boolean;
  /** `mcp`: driven from outside (`pods mcp`); its lease is held and renewed, no turn runs here. */
  readonly driver: PodDriver;
};

export type AttachRefusal =
  | { readonly type: 'Held'; readonly heldBy: Lease }
  | { readonly type: 'ProfileUnknown'; readonly pod: PodName; readonly profile: ProfileName; readonly known: readonly ProfileName[] };

/** Why a host no longer runs a Pod, for every driver's log: who runs it now, or that its lease was ended. */
export function describeLeaseLost(event: Extract<HostEvent, { type: 'lease_lost' }>): string {
  return event.holder
    ? `\`${event.pod}\` no longer runs here: host ${event.holder} took its lease`
    : `\`${event.pod}\` no longer runs here: its lease was ended elsewhere (its parent stopped it, or an operator's host released it)`;
}

export function describeAttachRefusal(refusal: AttachRefusal): string {
  switch (refusal.type) {
    case 'Held':
      return `pod \`${refusal.heldBy.pod}\` is live on ${refusal.heldBy.hostId} (lease until ${refusal.heldBy.expiresAt.toISOString()})`;
    case 'ProfileUnknown':
      return `pod \`${refusal.pod}\` runs with profile \`${refusal.profile}\`, which this host does not have (it has: ${refusal.known.join(', ')}); ` +
        `add it with \`pods profile add ${refusal.profile} --acp -- COMMAND…\`, or run the Pod on a host that has it`;
  }
}

export type AttachOptions = {
  /**
   * Who drives the Pod (default `model`: this host runs its model turns). `mcp`: an external
   * agent is the Pod's model; the host only holds and renews the lease, recorded as driven
   * over MCP, so no host runs turns for it.
   */
  readonly driver?: PodDriver;
};

/**
 * Runs the Pods whose leases this host holds: one turn at a time per Pod, started when
 * committed input arrives (host signals) and renewed in the store so no other host runs
 * the same Pod. A host that dies loses its leases by expiry.
 */
@injectable()
export class HostRuntime {
  private readonly pods = new Map<PodName, Running>();
  private readonly listeners = new Set<(event: HostEvent) => void>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private closing = false;
  /** Set while the store does not answer: since when, and the timer of the next retry. */
  private outage: { readonly since: number; retryMs: number; retry: NodeJS.Timeout | undefined; lost: boolean } | undefined;

  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(POD_HOST) private readonly host: PodHost,
    @inject(HOST_SIGNALS) private readonly signals: HostSignals,
    @inject(HISTORY_FEED) private readonly feed: HistoryFeed,
    @inject(RunTurn) private readonly runTurn: RunTurn,
    @inject(HOST_CONFIG) private readonly config: HostConfig,
    @inject(KnownHistory) private readonly known: KnownHistory,
    @inject(AgentSessions) private readonly agents: AgentSessions,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  /**
   * Starts listening (to this process's signals and to commits from every process) and
   * renewing leases at a third of their lifetime.
   */
  start(): void {
    if (this.unsubscribe) return;
    const offSignals = this.signals.subscribe((signal) => this.onSignal(signal));
    const offFeed = this.feed.subscribe((pod) => {
      if (this.pods.has(pod)) this.schedule(pod);
    });
    this.unsubscribe = () => {
      offSignals();
      offFeed();
    };
    this.timers = [
      setInterval(() => void this.renewAll(), Math.max(50, Math.floor(this.host.leaseTtlMs / 3))),
      setInterval(() => {
        for (const pod of this.pods.keys()) this.schedule(pod);
      }, this.config.pollMs),
    ];
  }

  on(listener: (event: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Takes a Pod's lease and runs it here; refused while another host holds it, and (unless
   * an external agent drives it) when this host lacks the profile the Pod runs with.
   */
  async attach(pod: PodName, options: AttachOptions = {}): Promise<Result<void, AttachRefusal>> {
    const now = this.clock.now();
    let driver = options.driver ?? 'model';
    if (driver !== 'mcp') {
      const record = await this.uow.run((repos) => repos.pods.get(pod), { singleRead: true });
      const wanted = record?.profile ?? DEFAULT_PROFILE_NAME;
      const profiles = await this.profiles.list();
      const profile = profiles.find((p) => p.name === wanted);
      if (!profile) return err({ type: 'ProfileUnknown', pod, profile: wanted, known: profiles.map((p) => p.name) });
      driver = profile.driver;
    }
    const taken = await this.uow.run((repos) => repos.leases.tryAcquire(pod, this.host.hostId, now, this.expiry(), driver));
    if (!taken.acquired) return err({ type: 'Held', heldBy: taken.heldBy });
    this.adopt(pod, driver);
    return ok(undefined);
  }

  isRunning(pod: PodName): boolean {
    return this.pods.has(pod);
  }

  busy(pod: PodName): boolean {
    return this.pods.get(pod)?.turn !== undefined;
  }

  /** Cancels the turn in flight, if any; true when there was one. */
  cancel(pod: PodName): boolean {
    const running = this.pods.get(pod);
    if (!running?.abort) return false;
    running.abort.abort();
    return true;
  }

  /** The Pods this host runs now. */
  running(): readonly PodName[] {
    return [...this.pods.keys()];
  }

  /** Resolves once no Pod of this host has a turn in flight, including Pods adopted meanwhile. */
  async settle(): Promise<void> {
    for (let busy = this.inFlight(); busy.length > 0; busy = this.inFlight()) await Promise.all(busy);
  }

  private inFlight(): Promise<void>[] {
    return [...this.pods.values()].flatMap((r) => (r.turn ? [r.turn] : []));
  }

  /** Resolves when no turn of `pod` is in flight or pending. */
  async idle(pod: PodName): Promise<void> {
    for (let running = this.pods.get(pod); running?.turn; running = this.pods.get(pod)) await running.turn;
  }

  /** Stops every turn, waits for it to commit its last step, and gives the leases back. */
  async shutdown(): Promise<void> {
    this.closing = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearInterval(timer);
    for (const running of this.pods.values()) running.abort?.abort();
    await Promise.all([...this.pods.values()].map((r) => r.turn));
    if (this.outage?.retry) clearTimeout(this.outage.retry);
    const pods = [...this.pods.keys()];
    this.pods.clear();
    this.known.forgetAll();
    if (pods.length === 0) return; // a process that hosted nothing (`pods tool`, `pods ls`) sends no empty transaction
    // Agents end before their leases are given back: no host that takes a Pod over finds its agent still working.
    await this.agents.releaseAll();
    try {
      await this.uow.run(async (repos) => {
        for (const pod of pods) await repos.leases.release(pod, this.host.hostId);
      });
    } catch (error) {
      // Without the store the leases cannot be given back; they expire on their own.
      if (!isStoreUnavailable(error)) throw error;
    }
  }

  private onSignal(signal: HostSignal): void {
    if (this.closing) return;
    switch (signal.type) {
      case 'adopt':
        this.adopt(signal.pod);
        return;
      case 'wake':
        if (this.pods.has(signal.pod)) this.schedule(signal.pod);
        return;
      case 'halt':
        this.drop(signal.pod);
        return;
    }
  }

  private adopt(pod: PodName, driver: PodDriver = 'model'): void {
    if (!this.pods.has(pod)) this.pods.set(pod, { status: 'idle', turn: undefined, abort: undefined, again: false, driver });
    // A restored Pod may hold input delivered while it was stopped.
    this.schedule(pod);
  }

  private drop(pod: PodName): void {
    const running = this.pods.get(pod);
    running?.abort?.abort();
    this.pods.delete(pod);
    this.known.forget(pod);
    // The agent goes once its turn has committed what it did (the cancel ends the turn).
    void Promise.resolve(running?.turn).then(() => this.agents.release(pod)).catch(() => undefined);
  }

  private schedule(pod: PodName): void {
    const running = this.pods.get(pod);
    if (!running || !hostRunsTurns(running.driver) || this.closing) return;
    running.again = true;
    running.turn ??= this.loop(pod, running);
  }

  /**
   * Turns until no input is left unanswered. A wake-up during a turn sets `again`; the
   * exit check and the clearing of `turn` run with no await between them, so a wake-up
   * either lands before the check (another pass) or after `turn` is cleared (a new loop).
   */
  private async loop(pod: PodName, running: Running): Promise<void> {
    await Promise.resolve(); // let schedule() store this promise before anything can clear it
    try {
      while (running.again && this.pods.get(pod) === running && !this.closing) {
        running.again = false;
        running.abort = new AbortController();
        let started = Date.now();
        try {
          const result = await this.runTurn.execute({
            pod,
            signal: running.abort.signal,
            onStart: async () => {
              started = Date.now();
              await this.setStatus(pod, running, 'running');
            },
          });
          this.storeAnswered();
          if (result.ok && result.value.end !== 'nothing_to_do') {
            this.emit({ type: 'turn_ended', pod, report: result.value, ms: Date.now() - started });
            // Look once more: input may have landed during the last step.
            if (result.value.end !== 'cancelled') running.again = true;
          }
          if (running.status !== 'idle') await this.setStatus(pod, running, 'idle');
        } catch (error) {
          if (this.storeFailed(error)) {
            // What the turn committed stays; what it did not is redone from history once the
            // store is back (the retry schedules every Pod again).
            running.status = 'idle';
            return;
          }
          this.emit({ type: 'turn_failed', pod, error: error instanceof Error ? error.message : String(error) });
          await this.setStatus(pod, running, 'idle').catch((failure: unknown) => void this.storeFailed(failure));
        }
      }
    } finally {
      running.turn = undefined;
      running.abort = undefined;
    }
  }

  /** A store call failed: true when the store is unreachable (the outage is reported once and retried). */
  private storeFailed(error: unknown): boolean {
    if (!isStoreUnavailable(error) || this.closing) return false;
    if (!this.outage) {
      this.outage = { since: Date.now(), retryMs: 250, retry: undefined, lost: false };
      this.emit({ type: 'store_unreachable', error: error.message });
    }
    const outage = this.outage;
    const downMs = Date.now() - outage.since;
    if (downMs >= this.config.storeOutageLimitMs) {
      if (!outage.lost) this.emit({ type: 'store_lost', downMs });
      outage.lost = true;
      return true;
    }
    if (!outage.retry) {
      outage.retry = setTimeout(() => {
        outage.retry = undefined;
        void this.renewAll();
        for (const pod of this.pods.keys()) this.schedule(pod);
      }, outage.retryMs);
      outage.retryMs = Math.min(outage.retryMs * 2, 5_000);
    }
    return true;
  }

  /** A store call succeeded: ends an outage, and every Pod looks at its history again. */
  private storeAnswered(): void {
    const outage = this.outage;
    if (!outage) return;
    if (outage.retry) clearTimeout(outage.retry);
    this.outage = undefined;
    this.emit({ type: 'store_back', downMs: Date.now() - outage.since });
    for (const pod of this.pods.keys()) this.schedule(pod);
  }

  private async setStatus(pod: PodName, running: Running, status: RuntimeStatus): Promise<void> {
    running.status = status;
    if (status === 'running') this.emit({ type: 'turn_started', pod });
    const renewed = await this.uow.run((repos) => repos.leases.renew(pod, this.host.hostId, this.clock.now(), this.expiry(), status));
    if (!renewed) await this.keepOrLose(pod, running);
  }

  private async renewAll(): Promise<void> {
    for (const [pod, running] of this.pods) {
      try {
        const renewed = await this.uow.run((repos) => repos.leases.renew(pod, this.host.hostId, this.clock.now(), this.expiry(), running.status));
        this.storeAnswered();
        if (!renewed) await this.keepOrLose(pod, running);
      } catch (error) {
        // Unreachable: reported and retried. Anything else is retried at the next tick; expiry is the real limit.
        this.storeFailed(error);
        return;
      }
    }
  }

  /**
   * A renewal was refused. A lease that expired still naming this host (the store was
   * unreachable for longer than a lease lives, and no one took the Pod) is taken back, so
   * an outage up to `storeOutageLimitMs` loses no Pod; any other is lost, naming its holder.
   */
  private async keepOrLose(pod: PodName, running: Running): Promise<void> {
    const { hostId } = this.host;
    const now = this.clock.now();
    const outcome = await this.uow.run(async (repos): Promise<{ readonly kept: boolean; readonly holder?: string }> => {
      const [lease] = await repos.leases.getMany([pod]);
      if (lease?.hostId !== hostId) return isLive(lease, now) ? { kept: false, holder: lease.hostId } : { kept: false };
      const taken = await repos.leases.tryAcquire(pod, hostId, now, this.expiry(), running.driver);
      if (!taken.acquired) return { kept: false, holder: taken.heldBy.hostId };
      await repos.leases.renew(pod, hostId, now, this.expiry(), running.status);
      return { kept: true };
    });
    if (!outcome.kept && this.pods.get(pod) === running) this.loseLease(pod, outcome.holder);
  }

  private loseLease(pod: PodName, holder?: string): void {
    if (!this.pods.has(pod)) return;
    this.drop(pod);
    this.emit({ type: 'lease_lost', pod, ...(holder ? { holder } : {}) });
  }

  private expiry(): Date {
    return new Date(this.clock.now().getTime() + this.host.leaseTtlMs);
  }

  private emit(event: HostEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
