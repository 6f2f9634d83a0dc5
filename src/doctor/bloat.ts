import type { DbSession } from '../db/session.js';
import { quoteQualified } from '../sql/quote.js';
import { finding, type Finding } from './finding.js';
import { formatBytes } from '../text/format-bytes.js';

export interface BloatThresholds {
  /** Estimated free space below which a table or index is not worth reporting. */
  bloatMinBytes: number;
  /** ... and the share of its size that must be free space. */
  bloatMinFraction: number;
}

export const DEFAULT_BLOAT: BloatThresholds = { bloatMinBytes: 64 * 1024 * 1024, bloatMinFraction: 0.5 };

interface Estimate {
  kind: 'table' | 'index';
  schema: string;
  name: string;
  table: string;
  pages: number;
  expected: number;
  blockSize: number;
}

// The size a relation would have packed to its fillfactor, from the planner's statistics: rows times
// the row's width (pg_stats.avg_width, less the nulls) with its header and line pointer, MAXALIGNed.
// Like PgHero's and pgexperts' estimates, it needs every column analyzed; expression indexes are skipped.
const ESTIMATES = `
WITH widths AS (
  SELECT s.schemaname, s.tablename, s.attname, (1 - s.null_frac) * s.avg_width AS width FROM pg_stats s
), tables AS (
  SELECT c.oid, n.nspname AS schema, c.relname AS name, c.reltuples, c.relpages,
         coalesce((regexp_match(array_to_string(c.reloptions, ','), 'fillfactor=(\\d+)'))[1]::int, 100) AS fillfactor,
         (SELECT sum(w.width) FROM widths w WHERE w.schemaname = n.nspname AND w.tablename = c.relname) AS width,
         (SELECT count(*) FROM widths w WHERE w.schemaname = n.nspname AND w.tablename = c.relname) AS analyzed,
         (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm') AND c.reltuples > 0 AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
     AND NOT (n.nspname = ANY (SELECT jsonb_array_elements_text($1::text::jsonb)))
)
SELECT 'table' AS kind, t.schema, t.name, t.name AS "table", t.relpages AS pages,
       ceil(t.reltuples / greatest(1, floor((bs.size - 24) * t.fillfactor / 100.0 / (ceil((24 + t.width) / 8) * 8 + 4))))::int AS expected,
       bs.size AS "blockSize"
  FROM tables t, (SELECT current_setting('block_size')::int AS size) bs
 WHERE t.analyzed = t.columns
UNION ALL
SELECT 'index', t.schema, ic.relname, t.name, ic.relpages,
       1 + ceil(ic.reltuples / greatest(1, floor((bs.size - 40) * 0.9 / (ceil((8 + k.width) / 8) * 8 + 4))))::int,
       bs.size
  FROM tables t
  JOIN pg_index i ON i.indrelid = t.oid
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
  CROSS JOIN LATERAL (
    SELECT sum(w.width) AS width, count(*) AS keys FROM unnest(i.indkey::int2[]) u(attnum)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.attnum
      JOIN widths w ON w.schemaname = t.schema AND w.tablename = t.name AND w.attname = a.attname
  ) k,
  (SELECT current_setting('block_size')::int AS size) bs
 WHERE i.indexprs IS NULL AND k.keys = i.indnatts AND ic.reltuples > 0
 ORDER BY 1, 2, 3`;

/** Tables and btree indexes estimated to be mostly free space (dead rows vacuumed, never given back). */
export async function bloatFindings(
  session: DbSession,
  exclude: readonly string[],
  thresholds: BloatThresholds,
): Promise<Finding[]> {
  const estimates = await session.query<Estimate>(ESTIMATES, [JSON.stringify(exclude)]);
  const bloated = estimates
    .map((e) => ({ ...e, free: Math.max(0, e.pages - e.expected) * e.blockSize, size: e.pages * e.blockSize }))
    .filter((e) => e.free >= thresholds.bloatMinBytes && e.free >= thresholds.bloatMinFraction * e.size)
    .sort((a, b) => b.free - a.free);
  if (bloated.length === 0)
    return [
      finding(
        'info',
        'bloat',
        `No table or index is estimated to hold ${formatBytes(thresholds.bloatMinBytes)} or more of free space making up ${Math.round(thresholds.bloatMinFraction * 100)}% of it (${estimates.length} estimated from the planner's statistics).`,
      ),
    ];
  const fix = bloated.map((e) =>
    e.kind === 'index'
      ? `REINDEX INDEX CONCURRENTLY ${quoteQualified(e.schema, e.name)};`
      : `pg_repack -t ${quoteQualified(e.schema, e.name)} (online), or VACUUM FULL ${quoteQualified(e.schema, e.name)} (locks it while it runs);`,
  );
  return [
    finding(
      'warn',
      'bloat',
      `${bloated.length} table${bloated.length === 1 ? ' or index is' : 's or indexes are'} estimated to be mostly free space: scans read it, and the disk holds it.`,
      fix.join(' '),
      {
        objects: bloated.map(
          (e) =>
            `${e.kind} ${e.schema}.${e.name}${e.kind === 'index' ? ` on ${e.schema}.${e.table}` : ''}: about ${formatBytes(e.free)} of ${formatBytes(e.size)} free`,
        ),
      },
    ),
  ];
}
