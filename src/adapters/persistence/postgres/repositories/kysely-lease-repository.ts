import { sql, type Kysely, type Selectable } from 'kysely';
import type { AcquireOutcome, LeaseRepository, Renewal } from '../../../../application/ports/lease-repository.js';
import { PodName } from '../../../../domain/pod-name.js';
import type { Lease, PodDriver, RuntimeStatus } from '../../../../domain/pod-status.js';
import { anyOf } from '../statements/any-of.js';
import type { Database, LeaseTable } from '../schema/database.js';
import type { Announce } from '../notify/commit-notices.js';

const toLease = (row: Selectable<LeaseTable>): Lease => ({
  pod: PodName.unsafe(row.pod),
  hostId: row.host_id,
  status: row.status,
  expiresAt: row.expires_at,
  driver: row.driver,
  ...(row.renewed_at ? { renewedAt: row.renewed_at } : {}),
});

export class KyselyLeaseRepository implements LeaseRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly announce: Announce,
  ) {}

  async getMany(pods: readonly PodName[]): Promise<readonly Lease[]> {
    if (pods.length === 0) return [];
    const rows = await this.db.selectFrom('lease').selectAll().where(anyOf('pod', pods)).execute();
    return rows.map(toLease);
  }

  async tryAcquire(pod: PodName, hostId: string, now: Date, expiresAt: Date, driver: PodDriver = 'model'): Promise<AcquireOutcome> {
    // One statement decides: a free, expired or already-ours lease is taken; our own live
    // lease keeps its status. The conflicting row stays locked even when the WHERE refuses.
    const taken = await this.db
      .insertInto('lease')
      .values({ pod, host_id: hostId, status: 'idle', expires_at: expiresAt, driver, renewed_at: now })
      .onConflict((oc) =>
        oc
          .column('pod')
          .doUpdateSet({
            host_id: hostId,
            expires_at: expiresAt,
            renewed_at: now,
            driver,
            status: sql<RuntimeStatus>`case when lease.host_id = ${hostId} and lease.expires_at > ${now}::timestamptz then lease.status else 'idle' end`,
          })
          .where((eb) => eb.or([eb('lease.expires_at', '<=', now), eb('lease.host_id', '=', hostId)])),
      )
      .returningAll()
      .executeTakeFirst();
    if (taken) {
      await this.announce(pod, { lease: { takenBy: hostId, driver } });
      return { acquired: true, lease: toLease(taken) };
    }
    const held = await this.db.selectFrom('lease').selectAll().where('pod', '=', pod).executeTakeFirstOrThrow();
    return { acquired: false, heldBy: toLease(held) };
  }

  async renew(pod: PodName, hostId: string, now: Date, expiresAt: Date, status?: RuntimeStatus): Promise<boolean> {
    const { numUpdatedRows } = await this.db
      .updateTable('lease')
      .set({ expires_at: expiresAt, renewed_at: now, ...(status === undefined ? {} : { status }) })
      .where('pod', '=', pod)
      .where('host_id', '=', hostId)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    return numUpdatedRows > 0n;
  }

  async renewAll(hostId: string, renewals: readonly Renewal[], now: Date, expiresAt: Date): Promise<ReadonlySet<PodName>> {
    if (renewals.length === 0) return new Set();
    // One statement for every lease of the host: two array parameters, whatever their length.
    const { rows } = await sql<{ pod: string }>`
      update lease set expires_at = ${expiresAt}::timestamptz, renewed_at = ${now}::timestamptz, status = r.status
      from unnest(${renewals.map((r) => r.pod)}::text[], ${renewals.map((r) => r.status)}::text[]) as r(pod, status)
      where lease.pod = r.pod and lease.host_id = ${hostId} and lease.expires_at > ${now}::timestamptz
      returning lease.pod`.execute(this.db);
    return new Set(rows.map((row) => PodName.unsafe(row.pod)));
  }

  // An ended lease is announced once committed (the feed's channel), so a following `pods serve` may take the Pod.
  async release(pod: PodName, hostId: string): Promise<void> {
    const gone = await this.db.deleteFrom('lease').where('pod', '=', pod).where('host_id', '=', hostId).returning('pod').executeTakeFirst();
    if (gone) await this.announce(pod, { lease: 'ended' });
  }

  async revoke(pod: PodName): Promise<void> {
    const gone = await this.db.deleteFrom('lease').where('pod', '=', pod).returning('pod').executeTakeFirst();
    if (gone) await this.announce(pod, { lease: 'ended' });
  }
}
