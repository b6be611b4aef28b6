import type pg from 'pg';
import { ManagedStoreError } from './managed-store-error.js';
import { STORE_ROLE } from './socket-client.js';

/** The managed server's superuser role (clusters of earlier versions called it `pods`; it is renamed). */
export const SUPERUSER = 'postgres';

const OS_USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** Socket only; the superuser only for the server's OS user and, with `rootToo`, root (ADR 0023). */
export function accessRules(serverUser: string | undefined, rootToo = false): { readonly hba: readonly string[]; readonly ident: readonly string[] } {
  const mapped = serverUser !== undefined && OS_USER_NAME.test(serverUser);
  return {
    hba: [
      '# Written by pods: the Unix socket only, no TCP (see docs/architecture.md, "Privileges").',
      `local  ${STORE_ROLE}  ${STORE_ROLE}  trust`,
      ...(mapped ? [`local  all  ${SUPERUSER}  peer map=server`] : ['# No superuser line: the server\'s OS user has no name to map.']),
    ],
    ident: [
      '# Written by pods: only the OS user the server runs as (and root) may act as its superuser.',
      ...(mapped ? [`server  ${serverUser}  ${SUPERUSER}`] : []),
      ...(mapped && rootToo && serverUser !== 'root' ? [`server  root  ${SUPERUSER}`] : []),
    ],
  };
}

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Written by the server itself through a superuser session, so root touches no file of the service user's. */
export async function writeAccessRules(superuser: pg.Client, serverUser: string | undefined): Promise<void> {
  const { rows } = await superuser.query<{ hba: string; ident: string }>(`select current_setting('hba_file') as hba, current_setting('ident_file') as ident`);
  const files = rows[0];
  if (!files) throw new Error('the server named no hba_file');
  const rules = accessRules(serverUser, process.getuid?.() === 0);
  for (const [file, lines] of [[files.hba, rules.hba], [files.ident, rules.ident]] as const) {
    await superuser.query(`copy (select unnest(array[${lines.map(literal).join(', ')}]::text[])) to ${literal(file)}`);
  }
  const bad = await superuser.query<{ error: string }>(
    `select error from pg_hba_file_rules where error is not null union all select error from pg_ident_file_mappings where error is not null`,
  );
  if (bad.rows[0]) throw new ManagedStoreError(`the store server refused the access rules pods wrote to ${files.hba}: ${bad.rows[0].error}; see its log`);
  await superuser.query('select pg_reload_conf()');
}
