import { sql, type Kysely } from 'kysely';

/*
 * Frozen once released, like 0001. Agent-driven Pods: the profile a Pod runs with (by name;
 * profiles themselves are host configuration), the agent session a host resumes after a
 * restart or a park, `acp` as a lease driver, and pods' permission answers as history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table pod add column profile text not null default 'default'`.execute(db);
  await sql`create table agent_session (
    pod text collate "C" primary key references pod (name),
    session_id text not null,
    updated_at timestamptz not null
  )`.execute(db);
  await sql`alter table lease drop constraint lease_driver_check`.execute(db);
  await sql`alter table lease add constraint lease_driver_check check (driver in ('model', 'mcp', 'acp'))`.execute(db);
  await sql`alter table history_entry drop constraint history_entry_kind_check`.execute(db);
  await sql`alter table history_entry add constraint history_entry_kind_check check (kind in (
    'user_input', 'assistant_message', 'tool_call', 'tool_result', 'peer_message', 'pod_event', 'notice', 'permission'
  ))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table history_entry drop constraint history_entry_kind_check`.execute(db);
  await sql`alter table history_entry add constraint history_entry_kind_check check (kind in (
    'user_input', 'assistant_message', 'tool_call', 'tool_result', 'peer_message', 'pod_event', 'notice'
  ))`.execute(db);
  await sql`alter table lease drop constraint lease_driver_check`.execute(db);
  await sql`alter table lease add constraint lease_driver_check check (driver in ('model', 'mcp'))`.execute(db);
  await sql`drop table agent_session`.execute(db);
  await sql`alter table pod drop column profile`.execute(db);
}
