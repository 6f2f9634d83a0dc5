import type { DbSession } from '../db/session.js';
import { keyOf, qualifiedName } from './qualified-name.js';

/** An index that a failed or interrupted concurrent build left behind: it costs writes and serves no read. */
export interface InvalidIndex {
  schema: string;
  name: string;
  table: string;
}

/**
 * The database's INVALID indexes (outside the system schemas and `exclude`), in one query.
 *
 * @example for (const i of await invalidIndexes(session)) console.log(keyOf(i));
 */
export async function invalidIndexes(session: DbSession, exclude: readonly string[] = []): Promise<InvalidIndex[]> {
  return session.query<InvalidIndex>(
    `SELECT n.nspname AS schema, c.relname AS name, t.relname AS "table"
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT (i.indisvalid AND i.indisready)
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND NOT (n.nspname = ANY (SELECT jsonb_array_elements_text($1::text::jsonb)))
      ORDER BY 1, 2`,
    [JSON.stringify(exclude)],
  );
}

/** What a user should do about an invalid index. */
export function invalidIndexProblem(index: InvalidIndex): string {
  const name = keyOf(index);
  return (
    `index ${name} on ${qualifiedName(index.schema, index.table)} is INVALID: a CREATE INDEX CONCURRENTLY failed or was interrupted. ` +
    `It slows every write and serves no query. If a migration was building it, \`smartem-db upgrade --resume\` drops and ` +
    `rebuilds it; otherwise drop it with DROP INDEX CONCURRENTLY "${index.schema}"."${index.name}" and build it again.`
  );
}
