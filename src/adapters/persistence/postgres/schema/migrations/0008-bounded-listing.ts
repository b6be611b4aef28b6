import { sql, type Kysely } from 'kysely';

/*
 * Frozen once released, like 0001. Bounded ListPods (ADR 0019): every part of a page is read
 * through an index from the caller or from a Pod on the page, whatever else the store holds.
 *
 * - `lease.parent`: the leased Pod's parent (its ownership edge), kept by two triggers so no
 *   writer has to know, and indexed: a parent's live children are counted from its own index
 *   entries instead of one lease probe per child. It is never updated afterwards (an edge's
 *   parent never changes; a removed child takes its lease with it), so lease renewals still
 *   touch no index column.
 * - `peer_relation_b_a`: peers by either side in name order (the primary key is `(a, b)`).
 * - `child_ownership_outstanding`: what a parent has lent, without reading its stopped children.
 */
const UP = [
  sql`alter table lease add column parent text collate "C"`,
  sql`update lease set parent = c.parent from child_ownership c where c.child = lease.pod`,
  sql`create function lease_takes_parent() returns trigger language plpgsql as $$
    begin
      new.parent := (select c.parent from child_ownership c where c.child = new.pod);
      return new;
    end $$`,
  sql`create trigger lease_takes_parent before insert on lease for each row execute function lease_takes_parent()`,
  sql`create function child_gives_lease_parent() returns trigger language plpgsql as $$
    begin
      update lease set parent = new.parent where pod = new.child;
      return null;
    end $$`,
  sql`create trigger child_gives_lease_parent after insert on child_ownership for each row execute function child_gives_lease_parent()`,
  sql`create index lease_parent on lease (parent) where parent is not null`,
  sql`create index peer_relation_b_a on peer_relation (b, a)`,
  sql`drop index peer_relation_b`,
  sql`create index child_ownership_outstanding on child_ownership (parent) where state = 'outstanding'`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index child_ownership_outstanding`.execute(db);
  await sql`create index peer_relation_b on peer_relation (b)`.execute(db);
  await sql`drop index peer_relation_b_a`.execute(db);
  await sql`drop trigger child_gives_lease_parent on child_ownership`.execute(db);
  await sql`drop function child_gives_lease_parent()`.execute(db);
  await sql`drop trigger lease_takes_parent on lease`.execute(db);
  await sql`drop function lease_takes_parent()`.execute(db);
  await sql`alter table lease drop column parent`.execute(db);
}
