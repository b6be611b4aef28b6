import { sql, type Kysely } from 'kysely';

/*
 * `pods rm` (ADR 0017): a removed Pod leaves every live table, so its name is free again,
 * and its record, history and audit trail move here, read-only. No foreign key reaches a
 * live table: the archive outlives whatever it names.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table removed_pod (
    id text primary key,
    name text collate "C" not null,
    removed_at timestamptz not null,
    scope json not null,
    parent text collate "C",
    created_at timestamptz not null,
    profile text not null,
    entries integer not null check (entries >= 0),
    audit json not null
  )`.execute(db);
  await sql`create index removed_pod_name on removed_pod (name, removed_at)`.execute(db);
  await sql`create table removed_history_entry (
    removal_id text not null references removed_pod (id),
    seq integer not null check (seq >= 1),
    kind text not null,
    at timestamptz not null,
    body json not null,
    primary key (removal_id, seq)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table removed_history_entry`.execute(db);
  await sql`drop table removed_pod`.execute(db);
}
