import { sqlStateOf, type DbSession } from '../db/session.js';

/** A table's size: rows (the planner's estimate, else the statistics' live rows), heap, indexes, total. */
export interface TableSize {
  schema: string;
  name: string;
  rows: number;
  heapBytes: number;
  indexBytes: number;
  totalBytes: number;
}

/**
 * Every user table (and materialized view), largest first, in one query. Sizes come from the files
 * (pg_total_relation_size), which waits for a table another session holds exclusively; the doctor
 * runs with a short lock_timeout, and then falls back to the catalog's page counts, which lock
 * nothing (`exact` false).
 */
export async function tableSizes(
  session: DbSession,
  exclude: readonly string[],
): Promise<{ sizes: TableSize[]; exact: boolean }> {
  try {
    return { sizes: await sizesQuery(session, exclude, EXACT), exact: true };
  } catch (error) {
    if (sqlStateOf(error) !== '55P03') throw error;
    return { sizes: await sizesQuery(session, exclude, ESTIMATED), exact: false };
  }
}

interface SizeExpressions {
  heap: string;
  indexes: string;
  total: string;
}

const EXACT: SizeExpressions = {
  heap: 'pg_relation_size(c.oid)',
  indexes: 'pg_indexes_size(c.oid)',
  total: 'pg_total_relation_size(c.oid)',
};

// From the catalog only: relpages is kept by VACUUM and ANALYZE, and reading it takes no lock.
const PAGES = "current_setting('block_size')::bigint";
const ESTIMATED_HEAP = `(c.relpages::bigint * ${PAGES})`;
const ESTIMATED_INDEXES = `(SELECT coalesce(sum(i.relpages), 0)::bigint * ${PAGES} FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid)`;
const ESTIMATED: SizeExpressions = {
  heap: ESTIMATED_HEAP,
  indexes: ESTIMATED_INDEXES,
  total: `(${ESTIMATED_HEAP} + ${ESTIMATED_INDEXES})`,
};

async function sizesQuery(session: DbSession, exclude: readonly string[], size: SizeExpressions): Promise<TableSize[]> {
  const rows = await session.query<{
    schema: string;
    name: string;
    rows: string;
    heap: string;
    indexes: string;
    total: string;
  }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            (CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END)::text AS rows,
            ${size.heap}::text AS heap, ${size.indexes}::text AS indexes, ${size.total}::text AS total
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
        AND NOT (n.nspname = ANY (SELECT jsonb_array_elements_text($1::text::jsonb)))
      ORDER BY ${size.total} DESC, 1, 2`,
    [JSON.stringify(exclude)],
  );
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    rows: Number(r.rows),
    heapBytes: Number(r.heap),
    indexBytes: Number(r.indexes),
    totalBytes: Number(r.total),
  }));
}
