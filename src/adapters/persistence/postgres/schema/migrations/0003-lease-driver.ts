import { sql, type Kysely } from 'kysely';

/*
 * Frozen once released, like 0001. Who drives a live Pod: its host's model, or an external
 * agent over `pods mcp`; leases taken by earlier versions were all `model`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table lease add column driver text not null default 'model' check (driver in ('model', 'mcp'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table lease drop column driver`.execute(db);
}
