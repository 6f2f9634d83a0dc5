import { invalidIndexes, invalidIndexProblem } from '../catalog/invalid-indexes.js';
import type { DbSession } from '../db/session.js';
import { quoteQualified } from '../sql/quote.js';
import { finding, type Finding } from './finding.js';
import { describeWindow, type StatisticsWindow } from './statistics-window.js';
import { formatBytes } from '../text/format-bytes.js';

/** An index as the doctor reads it (one query: pg_index with its usage and size). */
export interface IndexRow {
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

const USER_SCHEMA = `n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND NOT (n.nspname = ANY (SELECT jsonb_array_elements_text($1::text::jsonb)))`;

/** Every valid index outside the system schemas and `exclude`, with its scans and size. */
export async function readIndexes(session: DbSession, exclude: readonly string[]): Promise<IndexRow[]> {
  return session.query<IndexRow>(
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
      WHERE ${USER_SCHEMA} AND i.indisvalid
      ORDER BY 1, 2, 3`,
    [JSON.stringify(exclude)],
  );
}

const dropAll = (rows: readonly IndexRow[]) =>
  rows.map((i) => `DROP INDEX CONCURRENTLY ${quoteQualified(i.schema, i.name)};`).join(' ');
const removeFromModel = (rows: readonly IndexRow[]) =>
  `Remove ${rows.map((i) => `index('${i.name}')`).join(', ')} from ${rows.length === 1 ? 'its table' : 'their tables'} in the model, then npm run db:generate (it drops ${rows.length === 1 ? 'it' : 'them'} CONCURRENTLY).`;

/**
 * What is wrong with the indexes, one finding per kind: INVALID (a failed concurrent build),
 * duplicated or made redundant by another (the same leading keys), and never used, which is
 * advised on only when the statistics have counted long enough. An index behind a foreign key is
 * never called unused: deletes of the parent need it even when no query does.
 */
export async function indexFindings(
  session: DbSession,
  exclude: readonly string[],
  indexes: readonly IndexRow[],
  backsForeignKey: (index: IndexRow) => boolean,
  window: StatisticsWindow,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const invalid = await invalidIndexes(session, exclude);
  if (invalid.length)
    findings.push(
      finding(
        'error',
        'indexes',
        `${invalid.length} INVALID index${invalid.length === 1 ? '' : 'es'}: a CREATE INDEX CONCURRENTLY failed or was interrupted; each slows every write and serves no query.`,
        invalid.map(invalidIndexProblem).join(' '),
        { objects: invalid.map((i) => `${i.schema}.${i.name} on ${i.schema}.${i.table}`) },
      ),
    );

  const redundant = redundantIndexes(indexes);
  if (redundant.length)
    findings.push(
      finding(
        'warn',
        'indexes',
        `${redundant.length} index${redundant.length === 1 ? ' is' : 'es are'} duplicated or made redundant by another that starts with the same keys; each costs every write.`,
        dropAll(redundant.map(([covered]) => covered)),
        {
          objects: redundant.map(
            ([covered, by]) =>
              `${covered.schema}.${covered.name} on ${covered.schema}.${covered.table}: ${covered.keys === by.keys ? 'duplicates' : 'covered by'} ${by.schema}.${by.name}`,
          ),
          model: removeFromModel(redundant.map(([covered]) => covered)),
        },
      ),
    );

  const unused = indexes.filter(
    (i) =>
      !i.unique && !i.constraint && Number(i.scans) === 0 && !backsForeignKey(i) && !redundant.some(([c]) => c === i),
  );
  if (unused.length === 0) return findings;
  const listed = unused.map((i) => `${i.schema}.${i.name} on ${i.schema}.${i.table} (${formatBytes(Number(i.bytes))})`);
  if (!window.enough) {
    findings.push(
      finding(
        'info',
        'indexes',
        `${unused.length} index${unused.length === 1 ? ' has' : 'es have'} not been used yet, but the statistics have counted only ${describeWindow(window)}: judge them after a full cycle of the workload.`,
        undefined,
        { objects: listed },
      ),
    );
    return findings;
  }
  // On a small table an unused index is cheap; from a megabyte on, it costs writes worth a look.
  const large = unused.filter((i) => Number(i.bytes) >= 1024 * 1024);
  const small = unused.filter((i) => Number(i.bytes) < 1024 * 1024);
  for (const [rows, severity] of [
    [large, 'warn'],
    [small, 'info'],
  ] as const) {
    if (rows.length === 0) continue;
    findings.push(
      finding(
        severity,
        'indexes',
        `${rows.length} index${rows.length === 1 ? ' has' : 'es have'} not been used ${describeWindow(window)}${severity === 'info' ? ', all small' : ''}; each costs every write.`,
        `If that window held a full cycle of the workload: ${dropAll(rows)}`,
        {
          objects: rows.map((i) => `${i.schema}.${i.name} on ${i.schema}.${i.table} (${formatBytes(Number(i.bytes))})`),
          model: removeFromModel(rows),
        },
      ),
    );
  }
  return findings;
}

/**
 * Pairs [covered, by]: a btree index whose keys are the same as, or a leading part of, another's;
 * each covered index once.
 */
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
      break;
    }
  }
  return pairs;
}
