import { sql, type Kysely } from 'kysely';

/*
 * When a lease was last taken or renewed, so a sender can tell a host that renews its lease
 * from one that stopped renewing (it died, or lost the store) before the lease expires.
 * Leases taken by earlier versions have none until their next renewal.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table lease add column renewed_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table lease drop column renewed_at`.execute(db);
}
