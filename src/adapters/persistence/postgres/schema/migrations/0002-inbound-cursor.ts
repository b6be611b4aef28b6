import { sql, type Kysely } from 'kysely';

/*
 * Frozen once released, like 0001. The durable cursor of `pods mcp`: how far a Pod's inbound
 * history (peer messages, events, notices, input) has been shown to its external agent.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table inbound_cursor (
    pod text collate "C" primary key references pod (name),
    seen_through integer not null check (seen_through >= 0)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table inbound_cursor`.execute(db);
}
