import { sql, type Expression, type SqlBool } from 'kysely';

/** One array parameter whatever the length, where `in (…)` sends one per name and re-plans for every length. */
export function anyOf(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} = any(${[...values]}::text[])`;
}
