import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { hostRunsTurns, isLive, leaseExpiry, type PodDriver, type RuntimeStatus } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import type { LiveEvent } from '../ports/live-events.js';
import { POD_EVENTS, type PodCommitted, type PodEvents } from '../ports/pod-events.js';
import { isStoreUnavailable } from '../ports/store-unavailable.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { Looks } from '../watcher.js';
import { HOST_CONFIG, type HostConfig } from './host-config.js';
import { KnownHistory } from './known-history.js';
import { AgentSessions } from './agent-sessions.js';
import { PROFILE_CATALOG, type ProfileCatalog } from '../ports/profile-catalog.js';
import { DEFAULT_PROFILE_NAME } from '../../domain/profile-name.js';
import { RunTurn } from './run-turn.js';
import { StoreOutage } from './store-outage.js';
import { describeAttachRefusal, describeLeaseLost, type AttachOptions, type AttachRefusal } from './attach-refusal.js';

export { describeAttachRefusal, describeLeaseLost, type AttachOptions, type AttachRefusal };

type Running = {
  status: RuntimeStatus;
  abort: AbortController | undefined;
  /** One turn (or "anything to answer?" look) at a time; a commit during one makes one more. */
  readonly turns: Looks;
  /** `mcp`: driven from outside (`pods mcp`); its lease is held and renewed, no turn runs here. */
  readonly driver: PodDriver;
};

/**
 * Runs the Pods whose leases this host holds: one turn at a time per Pod, started when the
 * event stream says their history grew (or a timer, in case an event was lost), renewed in
 * the store so no other host runs the same Pod. A lease this host takes (SpawnPod, RestorePod,
 * attach) makes it run the Pod; a lease ended or taken elsewhere makes it stop. A host that
 * dies loses its leases by expiry.
 */
@injectable()
export class HostRuntime {
  private readonly pods = new Map<PodName, Running>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private closing = false;
  private readonly outage: StoreOutage;

  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(POD_HOST) private readonly host: PodHost,
    @inject(POD_EVENTS) private readonly events: PodEvents,
    @inject(RunTurn) private readonly runTurn: RunTurn,
    @inject(HOST_CONFIG) private readonly config: HostConfig,
    @inject(KnownHistory) private readonly known: KnownHistory,
    @inject(AgentSessions) private readonly agents: AgentSessions,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {
    this.outage = new StoreOutage(config.storeOutageLimitMs, (event) => this.publish(event), () => {
      void this.renewAll();
      this.scheduleAll();
    }, () => this.scheduleAll());
  }

  /** Starts following the event stream, looking at every Pod each pollMs and renewing leases at a third of their lifetime. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.type === 'committed') this.onCommitted(event);
      // An operator elsewhere (a viewing TUI, the dashboard) asks this host to cancel a turn.
      if (event.type === 'cancel_requested' && event.hostId === this.host.hostId && !this.closing) {
        this.publish({ type: 'cancel_answered', pod: event.pod, hostId: this.host.hostId, cancelled: this.cancel(event.pod) });
      }
    });
    this.timers = [
      setInterval(() => void this.renewAll(), Math.max(50, Math.floor(this.host.leaseTtlMs / 3))),
      setInterval(() => this.scheduleAll(), this.config.pollMs),
    ];
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

  /** Whether a turn of `pod`, or the look for one, is in flight or due here. */
  busy(pod: PodName): boolean {
    return this.pods.get(pod)?.turns.busy === true;
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
    for (let busy = this.inFlight(); busy.length > 0; busy = this.inFlight()) await Promise.all(busy.map((r) => r.turns.settled()));
  }

  private inFlight(): Running[] {
    return [...this.pods.values()].filter((r) => r.turns.busy);
  }

  /** Resolves when no turn of `pod` is in flight or pending. */
  async idle(pod: PodName): Promise<void> {
    for (let running = this.pods.get(pod); running?.turns.busy; running = this.pods.get(pod)) await running.turns.settled();
  }

  /** Stops every turn, waits for it to commit its last step, and gives the leases back. */
  async shutdown(): Promise<void> {
    this.closing = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearInterval(timer);
    for (const running of this.pods.values()) running.abort?.abort();
    await Promise.all([...this.pods.values()].map((r) => r.turns.stop()));
    this.outage.stop();
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

  /** The committed event is the wake: new history starts a turn, a lease this host took runs a Pod, any other lease change is checked. */
  private onCommitted({ pod, changes }: PodCommitted): void {
    if (this.closing) return;
    const lease = changes.lease;
    const running = this.pods.get(pod);
    if (lease !== undefined && lease !== 'ended' && lease.takenBy === this.host.hostId) this.adopt(pod, lease.driver);
    else if (lease !== undefined && running) void this.checkLease(pod, running);
    if (changes.history) this.schedule(pod);
  }

  private adopt(pod: PodName, driver: PodDriver = 'model'): void {
    if (!this.pods.has(pod)) {
      const running: Running = { status: 'idle', abort: undefined, driver, turns: new Looks(() => this.turn(pod, running)) };
      this.pods.set(pod, running);
    }
    // A restored Pod may hold input delivered while it was stopped.
    this.schedule(pod);
  }

  private drop(pod: PodName): void {
    const running = this.pods.get(pod);
    running?.abort?.abort();
    this.pods.delete(pod);
    this.known.forget(pod);
    // The agent goes once its turn has committed what it did (the cancel ends the turn).
    void Promise.resolve(running?.turns.stop()).then(() => this.agents.release(pod)).catch(() => undefined);
  }

  private schedule(pod: PodName): void {
    const running = this.pods.get(pod);
    if (running && hostRunsTurns(running.driver) && !this.closing) running.turns.kick();
  }

  private scheduleAll(): void {
    for (const pod of this.pods.keys()) this.schedule(pod);
  }

  /** One turn, or the look that finds nothing to answer; after a finished turn, one more look (input may have landed during its last step). */
  private async turn(pod: PodName, running: Running): Promise<void> {
    if (this.pods.get(pod) !== running || this.closing) return;
    running.abort = new AbortController();
    let started: number | undefined;
    try {
      const result = await this.runTurn.execute({
        pod,
        signal: running.abort.signal,
        onStart: async () => {
          started = Date.now();
          await this.setStatus(pod, running, 'running');
          this.publish({ type: 'turn_started', pod, hostId: this.host.hostId });
        },
      });
      this.outage.answered();
      if (result.ok && result.value.end !== 'nothing_to_do') {
        const { end, steps, trigger, reportedTo } = result.value;
        this.publish({ type: 'turn_ended', pod, end, steps, ms: Date.now() - (started ?? Date.now()), answered: trigger.length, ...(reportedTo ? { reportedTo } : {}) });
        if (end !== 'cancelled') running.turns.kick();
      }
      if (running.status !== 'idle') await this.setStatus(pod, running, 'idle');
    } catch (error) {
      const outage = this.outage.failed(error, this.closing);
      // What the turn committed stays; what it did not is redone from history once the store is back.
      if (started !== undefined || !outage) {
        const message = error instanceof Error ? error.message : String(error);
        this.publish({ type: 'turn_ended', pod, end: 'errored', steps: 0, ms: Date.now() - (started ?? Date.now()), answered: 0, error: message });
      }
      if (outage) running.status = 'idle';
      else await this.setStatus(pod, running, 'idle').catch((failure: unknown) => void this.outage.failed(failure, this.closing));
    } finally {
      running.abort = undefined;
    }
  }

  private async setStatus(pod: PodName, running: Running, status: RuntimeStatus): Promise<void> {
    running.status = status;
    const renewed = await this.uow.run((repos) => repos.leases.renew(pod, this.host.hostId, this.clock.now(), this.expiry(), status));
    if (!renewed) await this.keepOrLose(pod, running);
  }

  private async renewAll(): Promise<void> {
    for (const [pod, running] of this.pods) {
      try {
        const renewed = await this.uow.run((repos) => repos.leases.renew(pod, this.host.hostId, this.clock.now(), this.expiry(), running.status));
        this.outage.answered();
        if (!renewed) await this.keepOrLose(pod, running);
      } catch (error) {
        // Unreachable: reported and retried. Anything else is retried at the next tick; expiry is the real limit.
        this.outage.failed(error, this.closing);
        return;
      }
    }
  }

  /** Another process ended or took a lease of a Pod this host runs: one lease read says whether it is still this host's. */
  private async checkLease(pod: PodName, running: Running): Promise<void> {
    try {
      const [lease] = await this.uow.run((repos) => repos.leases.getMany([pod]));
      if (lease?.hostId === this.host.hostId && isLive(lease, this.clock.now())) return;
      if (this.pods.get(pod) === running) this.loseLease(pod, isLive(lease, this.clock.now()) ? lease.hostId : undefined);
    } catch (error) {
      this.outage.failed(error, this.closing); // the next renewal decides
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
    this.publish({ type: 'lease_lost', pod, ...(holder ? { holder } : {}) });
  }

  private expiry(): Date {
    return leaseExpiry(this.clock.now(), this.host.leaseTtlMs);
  }

  private publish(event: LiveEvent): void {
    this.events.publish(event);
  }
}
