import { excerpt } from '../db/redact.js';
import type { DbSession } from '../db/session.js';
import { finding, type Finding } from './finding.js';

/** The slowest statements by total time when pg_stat_statements is installed; how to install it otherwise. */
export async function statementFindings(session: DbSession, top = 5): Promise<Finding[]> {
  const [installed] = await session.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`,
  );
  if (!installed) {
    return [
      finding(
        'info',
        'statements',
        'pg_stat_statements is not installed, so the slowest statements cannot be listed.',
        'Add it to shared_preload_libraries (postgresql.conf; restart), then CREATE EXTENSION pg_stat_statements; in this database.',
      ),
    ];
  }
  try {
    const rows = await session.query<{ query: string; calls: string; total: number; mean: number }>(
      `SELECT query, calls::text AS calls, total_exec_time AS total, mean_exec_time AS mean
         FROM "${installed.schema.replace(/"/g, '""')}".pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT ${Math.trunc(top)}`,
    );
    if (rows.length === 0)
      return [finding('info', 'statements', 'pg_stat_statements has recorded no statement here yet.')];
    return [
      finding('info', 'statements', `The ${rows.length} statements that took the most time in all:`, undefined, {
        objects: rows.map(
          (r) =>
            `${Math.round(r.total)} ms in ${r.calls} calls (${r.mean.toFixed(1)} ms each): ${excerpt(r.query, 100)}`,
        ),
      }),
    ];
  } catch (error) {
    return [
      finding(
        'info',
        'statements',
        `pg_stat_statements is installed but cannot be read here: ${(error as Error).message}`,
      ),
    ];
  }
}
