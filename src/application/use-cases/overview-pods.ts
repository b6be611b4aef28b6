import { inject, injectable } from 'inversify';
import { decideAutoRun } from '../../domain/ping-pong-breaker.js';
import type { PodName } from '../../domain/pod-name.js';
import { overdueMs, statusOf, type PodDriver } from '../../domain/pod-status.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import type { PodOverviewRow } from '../ports/listing-reader.js';
import { PROFILE_CATALOG, unconfinedProfiles, type ProfileCatalog } from '../ports/profile-catalog.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

/** `errored`: no turn runs, and the last thing in its history is a failed one. */
export type OverviewStatus = 'idle' | 'running' | 'stopped' | 'errored';

export type PodOverview = {
  readonly name: PodName;
  readonly parent?: PodName;
  readonly profile: ProfileName;
  readonly status: OverviewStatus;
  readonly unconfined: boolean;
  /** While live: the host that holds it, driving it how, and whether it renews late (it may be gone). */
  readonly hostId?: string;
  readonly drivenBy?: PodDriver;
  readonly overdue?: true;
  readonly unseenInput: number;
  /** `unseenInput` is a floor: the overview looks back a bounded tail of each history. */
  readonly unseenMayBeMore?: true;
  readonly lastActivity?: Date;
  readonly peers: readonly PodName[];
  /** Peers whose pair's ping-pong breaker holds auto-runs back until an operator speaks. */
  readonly breaker: readonly PodName[];
};

const FAILED = new Set(['run_errored', 'step_limit']);

@injectable()
export class OverviewPods {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  async execute(query: { readonly among?: readonly PodName[] } = {}): Promise<readonly PodOverview[]> {
    const rows = await this.uow.run((repos) => repos.listing.overview(query.among), { singleRead: true });
    const unconfined = await unconfinedProfiles(this.profiles);
    const now = this.clock.now();
    return rows.map((row) => this.overview(row, now, unconfined));
  }

  private overview(row: PodOverviewRow, now: Date, unconfined: ReadonlySet<ProfileName>): PodOverview {
    const { pod, lease, last } = row;
    const live = statusOf(lease, now);
    const failed = last?.kind === 'notice' && last.code !== undefined && FAILED.has(last.code);
    const profile = pod.profile ?? DEFAULT_PROFILE_NAME;
    return {
      name: pod.name,
      ...(pod.origin.type === 'spawned' ? { parent: pod.origin.parent } : {}),
      profile,
      status: live !== 'running' && failed ? 'errored' : live,
      unconfined: unconfined.has(profile),
      ...(lease && live !== 'stopped' ? { hostId: lease.hostId, drivenBy: lease.driver, ...(overdueMs(lease, now) === undefined ? {} : { overdue: true as const }) } : {}),
      unseenInput: row.unseenInput,
      ...(row.unseenMayBeMore ? { unseenMayBeMore: true as const } : {}),
      ...(last ? { lastActivity: last.at } : {}),
      peers: row.peers.map((p) => p.name),
      breaker: row.peers.filter((p) => !decideAutoRun(p.autoTurns).run).map((p) => p.name),
    };
  }
}
