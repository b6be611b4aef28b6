/** NOTIFY channels are database-wide but a store is a schema: a hash of the schema keeps two stores apart. */
const TAG_DIGITS = 16;
const SCHEMA_TAG_SQL = `left(md5(coalesce(current_schema(), '')), ${TAG_DIGITS})`;

export const channelSql = (base: string): string => `(${base}::text || '_' || ${SCHEMA_TAG_SQL})`;

export const listenSql = (bases: readonly string[]): string =>
  `do $$ begin ${bases.map((base) => `execute format('LISTEN %I', ${channelSql(`'${base}'`)});`).join(' ')} end $$`;

/** Whether a notification's channel is `base` (of whichever schema the listener chose). */
export const isChannel = (channel: string, base: string): boolean => channel.startsWith(`${base}_`) && channel.length === base.length + 1 + TAG_DIGITS;
