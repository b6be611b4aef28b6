import { inject, injectable } from 'inversify';
import { stoppedByParent } from '../../domain/child-ownership.js';
import type { PodName } from '../../domain/pod-name.js';
import { hostRunsTurns, type PodDriver, type RuntimeStatus } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import type { LiveEvent } from '../ports/live-events.js';
import type { SeenHead } from '../ports/history-repository.js';
import { POD_EVENTS, type PodCommitted, type PodEvents } from '../ports/pod-events.js';
import { isStoreUnavailable } from '../ports/store-unavailable.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { Looks } from '../watcher.js';
import { HOST_CONFIG, type HostConfig } from './host-config.js';
import { KnownHistory } from './known-history.js';
import { AgentSessions } from './agent-sessions.js';
import { PROFILE_CATALOG, type ProfileCatalog } from '../ports/profile-catalog.js';
import { RunTurn } from './run-turn.js';
import { StoreOutage } from './store-outage.js';
import { LeaseKeeper } from './lease-keeper.js';
import { describeAttachRefusal, describeLeaseLost, profileToRun, type AttachOptions, type AttachRefusal } from './attach-refusal.js';

export { describeAttachRefusal, describeLeaseLost, type AttachOptions, type AttachRefusal };

type Running = {
  status: RuntimeStatus;
  abort: AbortController | undefined;
  /** One turn (or "anything to answer?" look) at a time; a commit during one makes one more. */
  readonly turns: Looks;
  readonly driver: PodDriver;
  /** The newest seq a look found nothing to answer at; undefined until one did (or after a look failed): the next poll looks anyway. */
  seen: number | undefined;
};

/** Idle, two statements per period whatever its number of Pods: one renewal of every lease, one catch-up read (ADR 0021). */
@injectable()
export class HostRuntime {
  private readonly pods = new Map<PodName, Running>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private closing = false;
  private catchingUp = false;
  private readonly outage: StoreOutage;
  private readonly leases: LeaseKeeper;

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
    // Retried with two statements whatever the number of Pods; once the store answers, every Pod is looked at.
    this.outage = new StoreOutage(config.storeOutageLimitMs, (event) => this.publish(event), () => {
      void this.renewAll();
      void this.catchUp();
    }, () => this.scheduleAll());
    this.leases = new LeaseKeeper(uow, clock, host, this.outage, (pod, kept, holder) => this.loseLease(pod, kept as Running, holder));
  }

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
      setInterval(() => void this.catchUp(), this.config.pollMs),
    ];
  }

  async attach(pod: PodName, options: AttachOptions = {}): Promise<Result<void, AttachRefusal>> {
    const now = this.clock.now();
    let driver = options.driver ?? 'model';
    if (driver !== 'mcp') {
      const record = await this.uow.run((repos) => repos.pods.get(pod), { singleRead: true });
      const profile = profileToRun(await this.profiles.list(), pod, record?.profile);
      if (!profile.ok) return profile;
      driver = profile.value.driver;
    }
    const taken = await this.uow.run(async (repos) => {
      // Read with the lease taken, in one unit: a parent's StopPod cannot slip between.
      const stopped = stoppedByParent(await repos.children.findByChild(pod));
      return stopped ?? repos.leases.tryAcquire(pod, this.host.hostId, now, this.leases.expiry(), driver);
    });
    if ('type' in taken) return err(taken);
    if (!taken.acquired) return err({ type: 'Held', heldBy: taken.heldBy });
    this.adopt(pod, driver);
    return ok(undefined);
  }

  isRunning(pod: PodName): boolean {
    return this.pods.has(pod);
  }

  busy(pod: PodName): boolean {
    return this.pods.get(pod)?.turns.busy === true;
  }

  cancel(pod: PodName): boolean {
    const running = this.pods.get(pod);
    if (!running?.abort) return false;
    running.abort.abort();
    return true;
  }

  running(): readonly PodName[] {
    return [...this.pods.keys()];
  }

  async settle(): Promise<void> {
    for (let busy = this.inFlight(); busy.length > 0; busy = this.inFlight()) await Promise.all(busy.map((r) => r.turns.settled()));
  }

  private inFlight(): Running[] {
    return [...this.pods.values()].filter((r) => r.turns.busy);
  }

  async idle(pod: PodName): Promise<void> {
    for (let running = this.pods.get(pod); running?.turns.busy; running = this.pods.get(pod)) await running.turns.settled();
  }

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
    else if (lease !== undefined && running) void this.leases.check(pod, running);
    if (changes.history) this.schedule(pod);
  }

  private adopt(pod: PodName, driver: PodDriver = 'model'): void {
    if (!this.pods.has(pod)) {
      const running: Running = { status: 'idle', abort: undefined, driver, seen: undefined, turns: new Looks(() => this.turn(pod, running)) };
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

  private renewAll(): Promise<void> {
    return this.leases.renewAll([...this.pods]);
  }

  /** In case an event was lost: one read names the Pods whose history grew beyond their last look. */
  private async catchUp(): Promise<void> {
    if (this.catchingUp || this.closing) return;
    const seen: SeenHead[] = [];
    for (const [pod, running] of this.pods) {
      if (!hostRunsTurns(running.driver)) continue;
      if (running.seen === undefined) this.schedule(pod);
      else seen.push({ pod, seq: running.seen });
    }
    if (seen.length === 0) return;
    this.catchingUp = true;
    try {
      const grown = await this.uow.run((repos) => repos.history.headsBeyond(seen), { singleRead: true });
      this.outage.answered();
      for (const pod of grown) this.schedule(pod);
    } catch (error) {
      this.outage.failed(error, this.closing);
    } finally {
      this.catchingUp = false;
    }
  }

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
          await this.leases.report(pod, running, 'running');
          this.publish({ type: 'turn_started', pod, hostId: this.host.hostId });
        },
      });
      this.outage.answered();
      // Nothing to answer up to the head this look read: the catch-up asks only for history beyond it.
      if (result.ok && result.value.end === 'nothing_to_do') running.seen = this.known.newest(pod);
      if (result.ok && result.value.end !== 'nothing_to_do') {
        const { end, steps, trigger, reportedTo } = result.value;
        this.publish({ type: 'turn_ended', pod, end, steps, ms: Date.now() - (started ?? Date.now()), answered: trigger.length, ...(reportedTo ? { reportedTo } : {}) });
        if (end !== 'cancelled') running.turns.kick();
      }
      if (running.status !== 'idle') await this.leases.report(pod, running, 'idle');
    } catch (error) {
      const outage = this.outage.failed(error, this.closing);
      // A failure the store's return does not cover (that one looks at every Pod) is looked at again at the next poll.
      if (!outage) running.seen = undefined;
      // What the turn committed stays; what it did not is redone from history once the store is back.
      if (started !== undefined || !outage) {
        const message = error instanceof Error ? error.message : String(error);
        this.publish({ type: 'turn_ended', pod, end: 'errored', steps: 0, ms: Date.now() - (started ?? Date.now()), answered: 0, error: message });
      }
      if (outage) running.status = 'idle';
      else await this.leases.report(pod, running, 'idle').catch((failure: unknown) => void this.outage.failed(failure, this.closing));
    } finally {
      running.abort = undefined;
    }
  }

  private loseLease(pod: PodName, running: Running, holder?: string): void {
    if (this.pods.get(pod) !== running) return;
    this.drop(pod);
    this.publish({ type: 'lease_lost', pod, ...(holder ? { holder } : {}) });
  }

  private publish(event: LiveEvent): void {
    this.events.publish(event);
  }
}
