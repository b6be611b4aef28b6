import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * `column = any($1::text[])`: one array parameter whatever the list's length, where
 * `in (…)` would send one parameter per name and re-plan for every length.
 */
export function anyOf(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} = any(${[...values]}::text[])`;
}
