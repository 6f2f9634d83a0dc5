import { invalidIndexes, invalidIndexProblem } from '../catalog/invalid-indexes.js';
import type { DbSession } from '../db/session.js';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import { finding, type Finding } from './finding.js';
import { formatBytes } from './table-sizes.js';

interface IndexRow {
  schema: string;
  table: string;
  name: string;
  /** Key column numbers, space-separated (pg_index.indkey); 0 marks an expression. */
  keys: string;
  opclasses: string;
  unique: boolean;
  constraint: boolean;
  method: string;
  predicate: string | null;
  expressions: string | null;
  scans: string;
  bytes: string;
}

interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
  /** Referencing column numbers, space-separated. */
  keys: string;
  columns: string[] | string;
}

/**
 * What is wrong with the indexes: never used since the statistics were reset, duplicated or made
 * redundant by another (the same leading keys), INVALID (a failed concurrent build); and foreign
 * keys with no index behind their columns (every delete or update of the parent scans the child).
 */
export async function indexFindings(session: DbSession, exclude: readonly string[]): Promise<Finding[]> {
  const params = [JSON.stringify(exclude)];
  const userSchema = `n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND NOT (n.nspname = ANY (SELECT jsonb_array_elements_text($1::text::jsonb)))`;
  const [indexes, foreignKeys, [stats]] = await Promise.all([
    session.query<IndexRow>(
      `SELECT n.nspname AS schema, t.relname AS "table", c.relname AS name, i.indkey::text AS keys, i.indclass::text AS opclasses,
              i.indisunique AS unique, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS constraint,
              am.amname AS method, pg_get_expr(i.indpred, i.indrelid) AS predicate, pg_get_expr(i.indexprs, i.indrelid) AS expressions,
              coalesce(s.idx_scan, 0)::text AS scans, (c.relpages::bigint * current_setting('block_size')::bigint)::text AS bytes
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_am am ON am.oid = c.relam
         LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
        WHERE ${userSchema} AND i.indisvalid
        ORDER BY 1, 2, 3`,
      params,
    ),
    session.query<ForeignKeyRow>(
      `SELECT n.nspname AS schema, t.relname AS "table", k.conname AS name, array_to_string(k.conkey, ' ') AS keys,
              (SELECT array_agg(a.attname ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum) AS columns
         FROM pg_constraint k
         JOIN pg_class t ON t.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE k.contype = 'f' AND ${userSchema}
        ORDER BY 1, 2, 3`,
      params,
    ),
    session.query<{ reset: Date | string | null }>(
      'SELECT stats_reset AS reset FROM pg_stat_database WHERE datname = current_database()',
    ),
  ]);
  const findings: Finding[] = [];
  const since = stats?.reset
    ? `since the statistics were reset (${new Date(stats.reset).toISOString().slice(0, 10)})`
    : 'since statistics began';

  for (const index of indexes) {
    if (index.unique || index.constraint || Number(index.scans) > 0) continue;
    // On a new or small table an unused index is no news; from a megabyte on, it costs writes.
    findings.push(
      finding(
        Number(index.bytes) >= 1024 * 1024 ? 'warn' : 'info',
        'indexes',
        `index ${index.schema}.${index.name} on ${index.schema}.${index.table} (${formatBytes(Number(index.bytes))}) has not been used ${since}; it costs every write.`,
        `If a full cycle of the workload has run since, drop it: DROP INDEX CONCURRENTLY ${quoteQualified(index.schema, index.name)};`,
      ),
    );
  }
  for (const [covered, by] of redundantIndexes(indexes)) {
    const same = covered.keys === by.keys;
    findings.push(
      finding(
        'warn',
        'indexes',
        same
          ? `index ${covered.schema}.${covered.name} duplicates ${covered.schema}.${by.name} on ${covered.schema}.${covered.table} (the same keys).`
          : `index ${covered.schema}.${covered.name} is made redundant by ${covered.schema}.${by.name} on ${covered.schema}.${covered.table}, which starts with the same keys.`,
        `DROP INDEX CONCURRENTLY ${quoteQualified(covered.schema, covered.name)};`,
      ),
    );
  }
  for (const index of await invalidIndexes(session, exclude))
    findings.push(finding('error', 'indexes', invalidIndexProblem(index)));

  for (const fk of foreignKeys) {
    const keys = fk.keys.split(' ');
    const covered = indexes.some(
      (i) =>
        i.schema === fk.schema && i.table === fk.table && !i.predicate && leadingKeysCover(i.keys.split(' '), keys),
    );
    if (covered) continue;
    const columns = Array.isArray(fk.columns) ? fk.columns : parseArray(fk.columns);
    const name = `ix_${fk.table}_${columns.join('_')}`.slice(0, 63);
    findings.push(
      finding(
        'warn',
        'foreign-keys',
        `foreign key ${fk.schema}.${fk.table}.${fk.name} (${columns.join(', ')}) has no index behind it: deleting or changing a referenced row scans ${fk.schema}.${fk.table}.`,
        `CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${quoteQualified(fk.schema, fk.table)} (${columns.map(quoteIdent).join(', ')});`,
      ),
    );
  }
  return findings;
}

/** Pairs [covered, by]: a btree index whose keys are the same as, or a leading part of, another's. */
function redundantIndexes(indexes: readonly IndexRow[]): [IndexRow, IndexRow][] {
  const pairs: [IndexRow, IndexRow][] = [];
  const plain = indexes.filter((i) => i.method === 'btree' && !i.predicate && !i.expressions);
  for (const a of plain) {
    if (a.constraint) continue;
    for (const b of plain) {
      if (a === b || a.schema !== b.schema || a.table !== b.table) continue;
      const aKeys = a.keys.split(' ');
      const bKeys = b.keys.split(' ');
      const aOps = a.opclasses.split(' ');
      const bOps = b.opclasses.split(' ');
      if (aKeys.length > bKeys.length || aKeys.some((k, i) => k !== bKeys[i] || aOps[i] !== bOps[i])) continue;
      // A unique index enforces something a longer one does not; of two identical ones, keep one.
      if (a.unique && (aKeys.length < bKeys.length || !b.unique)) continue;
      if (aKeys.length === bKeys.length && a.unique === b.unique && a.name > b.name && !b.constraint) continue;
      pairs.push([a, b]);
    }
  }
  return pairs;
}

/** Whether an index's leading keys are exactly the given columns, in any order. */
function leadingKeysCover(indexKeys: readonly string[], columns: readonly string[]): boolean {
  const leading = indexKeys.slice(0, columns.length);
  return leading.length === columns.length && columns.every((c) => leading.includes(c));
}

function parseArray(text: string): string[] {
  return text
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((s) => s.replace(/^"|"$/g, ''));
}
