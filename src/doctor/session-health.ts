import { excerpt } from '../db/redact.js';
import type { DbSession } from '../db/session.js';
import { finding, type Finding } from './finding.js';

export interface SessionThresholds {
  /** An active statement running longer than this is reported (seconds). */
  longRunningSeconds: number;
  /** A session idle in a transaction longer than this is reported (seconds). */
  idleInTransactionSeconds: number;
}

export const DEFAULT_THRESHOLDS: SessionThresholds = { longRunningSeconds: 60, idleInTransactionSeconds: 30 };

interface Activity {
  pid: number;
  app: string | null;
  state: string | null;
  seconds: number;
  state_seconds: number;
  query: string | null;
  blockers: number[] | string;
}

/**
 * What would block a migration right now, in this database: long-running statements, sessions idle
 * in a transaction (they hold locks and snapshots), and who waits for whom (pg_blocking_pids), with
 * durations; and the timeouts that decide how long a migration's DDL and the application wait.
 */
export async function sessionFindings(
  session: DbSession,
  thresholds: SessionThresholds = DEFAULT_THRESHOLDS,
): Promise<Finding[]> {
  const [activity, settings] = await Promise.all([
    session.query<Activity>(
      `SELECT pid, nullif(application_name, '') AS app, state,
              extract(epoch FROM now() - coalesce(xact_start, query_start))::float8 AS seconds,
              extract(epoch FROM now() - state_change)::float8 AS state_seconds,
              query, pg_blocking_pids(pid) AS blockers
         FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        ORDER BY pid`,
    ),
    session.query<{ name: string; setting: string }>(
      // reset_val: what a new session of this role in this database gets (not this session's own SET).
      `SELECT name, reset_val AS setting FROM pg_settings WHERE name IN ('lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout') ORDER BY name`,
    ),
  ]);
  const who = (a: Activity) => `pid ${a.pid}${a.app ? ` "${a.app}"` : ''}`;
  const byPid = new Map(activity.map((a) => [a.pid, a]));
  const blockersOf = (a: Activity) => (Array.isArray(a.blockers) ? a.blockers : parseIntArray(a.blockers));
  const waiting = activity.filter((a) => blockersOf(a).length > 0);
  const idle = activity.filter(
    (a) =>
      !waiting.includes(a) &&
      (a.state === 'idle in transaction' || a.state === 'idle in transaction (aborted)') &&
      a.state_seconds >= thresholds.idleInTransactionSeconds,
  );
  const running = activity.filter(
    (a) => !waiting.includes(a) && a.state === 'active' && a.seconds >= thresholds.longRunningSeconds,
  );
  const findings: Finding[] = [];
  if (waiting.length)
    findings.push(
      finding(
        'warn',
        'sessions',
        `${waiting.length} session${waiting.length === 1 ? ' waits' : 's wait'} for a lock another holds: a migration now would queue behind the holder, and everything after behind the migration.`,
        'Find why the holder keeps its lock (often a transaction left open by the application).',
        {
          objects: waiting.map((a) => {
            const blockers = blockersOf(a);
            const holders = blockers
              .map((pid) => byPid.get(pid))
              .map((b, i) =>
                b
                  ? `${who(b)} (${b.state}, ${seconds(b.seconds)}${b.query ? `: ${excerpt(b.query, 80)}` : ''})`
                  : `pid ${blockers[i]}`,
              );
            return `${who(a)} has waited ${seconds(a.state_seconds)} for a lock held by ${holders.join(', ')}${a.query ? `; it runs: ${excerpt(a.query, 80)}` : ''}`;
          }),
        },
      ),
    );
  if (idle.length)
    findings.push(
      finding(
        'warn',
        'sessions',
        `${idle.length} session${idle.length === 1 ? ' has' : 's have'} been idle in a transaction for ${seconds(thresholds.idleInTransactionSeconds)} or more: each holds its locks and its snapshot (which keeps vacuum from removing dead rows).`,
        `End them in the application, or ${idle.map((a) => `SELECT pg_terminate_backend(${a.pid});`).join(' ')} Set idle_in_transaction_session_timeout to end such sessions by themselves.`,
        {
          objects: idle.map(
            (a) =>
              `${who(a)}: idle for ${seconds(a.state_seconds)}, its transaction began ${seconds(a.seconds)} ago${a.query ? `; last: ${excerpt(a.query, 80)}` : ''}`,
          ),
        },
      ),
    );
  if (running.length)
    findings.push(
      finding(
        'warn',
        'sessions',
        `${running.length} statement${running.length === 1 ? ' has' : 's have'} run for ${seconds(thresholds.longRunningSeconds)} or more: a migration that needs a lock on what ${running.length === 1 ? 'it reads' : 'they read'} waits for ${running.length === 1 ? 'it' : 'them'} (up to lock_timeout).`,
        undefined,
        {
          objects: running.map((a) => `${who(a)}: ${seconds(a.seconds)}${a.query ? `: ${excerpt(a.query, 80)}` : ''}`),
        },
      ),
    );
  const advice = (name: string, off: boolean) =>
    name === 'idle_in_transaction_session_timeout' && off
      ? ' (none: a forgotten transaction may hold its locks forever; consider a limit for the application role)'
      : name === 'lock_timeout' && off
        ? ' (none: a statement waits for a lock as long as it takes; smartem-db sets its own for migrations)'
        : '';
  findings.push(
    finding('info', 'settings', 'The timeouts a new session of this role gets in this database:', undefined, {
      objects: settings.map(
        (t) => `${t.name} = ${t.setting === '0' ? '0' : `${t.setting} ms`}${advice(t.name, t.setting === '0')}`,
      ),
    }),
  );
  return findings;
}

function seconds(s: number): string {
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

function parseIntArray(text: string): number[] {
  return text.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}
