import { excerpt } from '../db/redact.js';
import type { DbSession } from '../db/session.js';
import { finding, type Finding } from './finding.js';

export interface StatementRow {
  query: string;
  calls: string;
  total: number;
  mean: number;
}

/** What pg_stat_statements says of this database: the statements by total time, or why it cannot. */
export type Statements =
  { installed: false } | { installed: true; error: string } | { installed: true; rows: StatementRow[] };

/** The statements that took the most time in all, when pg_stat_statements is installed and readable. */
export async function readStatements(session: DbSession, top = 20): Promise<Statements> {
  const [installed] = await session.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`,
  );
  if (!installed) return { installed: false };
  try {
    const rows = await session.query<StatementRow>(
      `SELECT query, calls::text AS calls, total_exec_time AS total, mean_exec_time AS mean
         FROM "${installed.schema.replace(/"/g, '""')}".pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT ${Math.trunc(top)}`,
    );
    return { installed: true, rows };
  } catch (error) {
    // Installed but not loaded (shared_preload_libraries), or not readable by this role: say which.
    return { installed: true, error: (error as Error).message };
  }
}

/** The slowest statements, or how to install pg_stat_statements. */
export function statementFindings(statements: Statements, top = 5): Finding[] {
  if (!statements.installed)
    return [
      finding(
        'info',
        'statements',
        'pg_stat_statements is not installed, so the slowest statements cannot be listed (nor indexes suggested for them).',
        'Add it to shared_preload_libraries (postgresql.conf; restart), then CREATE EXTENSION pg_stat_statements; in this database.',
      ),
    ];
  if ('error' in statements)
    return [
      finding('info', 'statements', `pg_stat_statements is installed but cannot be read here: ${statements.error}`),
    ];
  const rows = statements.rows.slice(0, top);
  if (rows.length === 0)
    return [finding('info', 'statements', 'pg_stat_statements has recorded no statement here yet.')];
  return [
    finding('info', 'statements', `The ${rows.length} statements that took the most time in all:`, undefined, {
      objects: rows.map(
        (r) => `${Math.round(r.total)} ms in ${r.calls} calls (${r.mean.toFixed(1)} ms each): ${excerpt(r.query, 100)}`,
      ),
    }),
  ];
}
