import { sql, type Kysely } from 'kysely';

/*
 * No host ever paused a Pod: `paused` was a status nothing set. A lease an earlier version
 * left paused (none should exist) is idle, and the status can only be idle or running.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update lease set status = 'idle' where status not in ('idle', 'running')`.execute(db);
  await sql`alter table lease drop constraint if exists lease_status_check`.execute(db);
  await sql`alter table lease add constraint lease_status_check check (status in ('idle', 'running'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table lease drop constraint lease_status_check`.execute(db);
  await sql`alter table lease add constraint lease_status_check check (status in ('idle', 'running', 'paused'))`.execute(db);
}
