import { sql, type Kysely } from 'kysely';

/*
 * Frozen once released: later schema changes are new files appended to MIGRATIONS, never
 * edits here, so a store made by any older version upgrades in place.
 *
 * Pod names are `COLLATE "C"` so SQL orders and compares them by code unit, exactly like
 * the domain's `orderedPair` (JS `<`); the peer pair's `CHECK (a < b)` relies on it.
 */
const STATEMENTS = [
  sql`create table pod (
    name text collate "C" primary key,
    scope json not null,
    parent text collate "C" references pod (name),
    created_at timestamptz not null,
    last_seq integer not null default 0 check (last_seq >= 0)
  )`,
  sql`create table peer_relation (
    a text collate "C" not null references pod (name),
    b text collate "C" not null references pod (name),
    id text not null unique,
    since timestamptz not null,
    initiated_from text collate "C" not null,
    audit_id text not null,
    last_pair_seq integer not null check (last_pair_seq >= 0),
    auto_turns integer not null check (auto_turns >= 0),
    primary key (a, b),
    constraint peer_relation_canonical_pair check (a < b),
    constraint peer_relation_initiated_by_member check (initiated_from in (a, b))
  )`,
  sql`create index peer_relation_b on peer_relation (b)`,
  sql`create table child_ownership (
    child text collate "C" primary key references pod (name),
    parent text collate "C" not null references pod (name),
    scope json not null,
    state text not null check (state in ('outstanding', 'stopped')),
    spawned_at timestamptz not null,
    stopped_at timestamptz,
    output_cursor integer not null check (output_cursor >= 0),
    check (child <> parent)
  )`,
  sql`create index child_ownership_parent on child_ownership (parent, child)`,
  sql`create table history_entry (
    pod text collate "C" not null references pod (name),
    seq integer not null check (seq >= 1),
    kind text not null check (kind in (
      'user_input', 'assistant_message', 'tool_call', 'tool_result', 'peer_message', 'pod_event', 'notice'
    )),
    at timestamptz not null,
    body json not null,
    from_pod text collate "C",
    idempotency_key text,
    primary key (pod, seq),
    check ((kind = 'peer_message') = (from_pod is not null)),
    check (idempotency_key is null or from_pod is not null)
  )`,
  // Backstop under the use case's lookup: one peer message per (receiver, sender, key).
  sql`create unique index history_entry_peer_idempotency
    on history_entry (pod, from_pod, idempotency_key) where idempotency_key is not null`,
  sql`create table audit_record (
    position bigint generated always as identity primary key,
    id text not null unique,
    pod text collate "C" not null references pod (name),
    at timestamptz not null,
    action text not null check (action in ('peer_added', 'peer_removed')),
    relation_id text not null,
    counterpart text collate "C" not null,
    initiated_from text collate "C" not null,
    via text not null
  )`,
  sql`create index audit_record_pod on audit_record (pod, position)`,
  sql`create index audit_record_relation on audit_record (relation_id, position)`,
  sql`create table lease (
    pod text collate "C" primary key references pod (name),
    host_id text not null,
    status text not null check (status in ('idle', 'running', 'paused')),
    expires_at timestamptz not null
  )`,
];

// Migrations take Kysely<any>: they describe the schema of their own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of STATEMENTS) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['lease', 'audit_record', 'history_entry', 'child_ownership', 'peer_relation', 'pod']) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
