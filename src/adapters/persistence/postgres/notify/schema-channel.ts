/**
 * NOTIFY channels are database-wide, but a store is a schema (docs/cli.md: a schema of an
 * existing database may hold one): each channel name carries a tag of the connection's
 * schema, computed by the server, so stores in two schemas of one database never hear each
 * other's commits and turns. The tag is a hash, since a schema name may be as long as a
 * channel name may be.
 */
const SCHEMA_TAG_SQL = `left(md5(coalesce(current_schema(), '')), 16)`;

/** SQL for the channel named `base` (a text parameter such as `$1`) of the connection's schema. */
export const channelSql = (base: string): string => `(${base}::text || '_' || ${SCHEMA_TAG_SQL})`;

/** One statement that LISTENs on each of `bases` of the connection's schema. */
export const listenSql = (bases: readonly string[]): string =>
  `do $$ begin ${bases.map((base) => `execute format('LISTEN %I', ${channelSql(`'${base}'`)});`).join(' ')} end $$`;

/** Whether a notification's channel is `base` (of whichever schema the listener chose). */
export const isChannel = (channel: string, base: string): boolean => channel.startsWith(`${base}_`) && channel.length === base.length + 17;
