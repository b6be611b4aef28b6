import type pg from 'pg';
import { SUPERUSER, writeAccessRules } from './access-rules.js';
import { codeOf } from '../../error-message.js';
import { ManagedStoreError } from './managed-store-error.js';
import { waitUntil } from './server-process.js';
import { STORE_ROLE, withSocketClient } from './socket-client.js';

/** What setting up the roles found: a cluster of this version, or one of an earlier one (superuser `pods`). */
export type RoleSetUp = 'made' | 'upgraded' | 'current';

const EARLIER_SUPERUSER = 'pods';
const BOOTSTRAP_SUPERUSER_OID = 10;

/** ADR 0016's role model; a cluster whose `pods` was the superuser is upgraded in place. Safe to repeat. */
export async function adoptRoleModel(socketDir: string, serverUser: string | undefined): Promise<RoleSetUp> {
  const superuser = await superuserName(socketDir);
  if (superuser === undefined) {
    if (await storeRoleIsPlain(socketDir)) return 'current';
    throw new ManagedStoreError(
      `cannot set up the store's role on ${socketDir}: the role \`${STORE_ROLE}\` or its database is missing, and only the server's OS user${serverUser ? ` (${serverUser})` : ''} may act as the superuser that makes them`,
    );
  }
  const upgrading = superuser === EARLIER_SUPERUSER;
  await withSocketClient(socketDir, 'postgres', async (client) => {
    if (upgrading) await renameEarlierSuperuser(client);
    else await client.query('drop role if exists pods_upgrade'); // left by an upgrade that was cut short
    await client.query(`do $$ begin if not exists (select from pg_roles where rolname = '${STORE_ROLE}') then create role ${STORE_ROLE}; end if; end $$`);
    await client.query(`alter role ${STORE_ROLE} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls`);
    const found = await client.query(`select 1 from pg_database where datname = '${STORE_ROLE}'`);
    await client.query(found.rowCount === 0 ? `create database ${STORE_ROLE} owner ${STORE_ROLE}` : `alter database ${STORE_ROLE} owner to ${STORE_ROLE}`);
  }, superuser);
  await withSocketClient(socketDir, STORE_ROLE, (client) => client.query(TRANSFER_OWNERSHIP), SUPERUSER);
  await withSocketClient(socketDir, 'postgres', async (client) => {
    await writeAccessRules(client, serverUser);
    const applied = await waitUntil(async () => (await storeRoleReaches(socketDir, 'postgres')) === false, 10_000);
    if (!applied) throw new ManagedStoreError(`the store server on ${socketDir} did not apply its new access rules (pg_hba.conf) within 10 s; see its log`);
    // Sessions an earlier pods opened as the superuser end; their pools reconnect as the store's role.
    if (upgrading) {
      await client.query(`select pg_terminate_backend(pid) from pg_stat_activity
        where usesysid = ${BOOTSTRAP_SUPERUSER_OID} and pid <> pg_backend_pid() and backend_type = 'client backend'`);
    }
  }, SUPERUSER);
  return upgrading ? 'upgraded' : 'made';
}

/** The superuser this process may act as right now (before the rules are written: any; after: none, unless it is the server's OS user). */
async function superuserName(socketDir: string): Promise<string | undefined> {
  for (const name of [SUPERUSER, EARLIER_SUPERUSER]) {
    const isSuper = await withSocketClient(
      socketDir,
      'postgres',
      async (client) => (await client.query<{ su: boolean }>('select rolsuper as su from pg_roles where rolname = current_user')).rows[0]?.su === true,
      name,
    ).catch((error: unknown) => {
      if (codeOf(error) === '28000' || codeOf(error) === '28P01') return false;
      throw error;
    });
    if (isSuper) return name;
  }
  return undefined;
}

async function storeRoleIsPlain(socketDir: string): Promise<boolean> {
  return withSocketClient(socketDir, STORE_ROLE, async (client) => (await client.query<{ su: boolean }>('select rolsuper as su from pg_roles where rolname = current_user')).rows[0]?.su === false).catch(() => false);
}

async function storeRoleReaches(socketDir: string, database: string): Promise<boolean | undefined> {
  return withSocketClient(socketDir, database, async () => true).catch((error: unknown) => (codeOf(error) === '28000' ? false : undefined));
}

/** No session can rename its own user or strip the bootstrap superuser, so a temporary superuser frees the name `pods`. */
async function renameEarlierSuperuser(client: pg.Client): Promise<void> {
  await client.query('drop role if exists pods_upgrade');
  await client.query('create role pods_upgrade superuser');
  await client.query('set session authorization pods_upgrade');
  await client.query(`alter role ${EARLIER_SUPERUSER} rename to ${SUPERUSER}`);
  await client.query('reset session authorization');
  await client.query('drop role pods_upgrade');
}

/** Ownership moves from the superuser to the store's role (column-owned sequences follow their table). */
const TRANSFER_OWNERSHIP = `set lock_timeout = '10s';
do $$
declare r record;
begin
  for r in select n.nspname from pg_namespace n
      where n.nspowner = ${BOOTSTRAP_SUPERUSER_OID} and n.nspname not in ('pg_catalog', 'information_schema', 'public') and n.nspname not like 'pg\\_%' loop
    execute format('alter schema %I owner to ${STORE_ROLE}', r.nspname);
  end loop;
  for r in select c.oid::regclass::text as name, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relowner = ${BOOTSTRAP_SUPERUSER_OID} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
        and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')) loop
    execute format('alter %s %s owner to ${STORE_ROLE}',
      case r.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end, r.name);
  end loop;
  for r in select p.oid::regprocedure::text as name, p.prokind from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.proowner = ${BOOTSTRAP_SUPERUSER_OID} and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%' loop
    execute format('alter %s %s owner to ${STORE_ROLE}', case r.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end, r.name);
  end loop;
  for r in select t.oid::regtype::text as name, t.typtype from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where t.typowner = ${BOOTSTRAP_SUPERUSER_OID} and t.typtype in ('e', 'd', 'r', 'c') and (t.typtype <> 'c' or (select relkind from pg_class where oid = t.typrelid) = 'c')
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%' loop
    execute format('alter %s %s owner to ${STORE_ROLE}', case r.typtype when 'd' then 'domain' else 'type' end, r.name);
  end loop;
end $$`;
