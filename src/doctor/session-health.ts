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
  const findings: Finding[] = [];
  const who = (a: Activity) => `pid ${a.pid}${a.app ? ` "${a.app}"` : ''}`;
  const byPid = new Map(activity.map((a) => [a.pid, a]));
  for (const a of activity) {
    const blockers = Array.isArray(a.blockers) ? a.blockers : parseIntArray(a.blockers);
    if (blockers.length > 0) {
      const holders = blockers
        .map((pid) => byPid.get(pid))
        .map((b, i) =>
          b
            ? `${who(b)} (${b.state}, ${seconds(b.seconds)}${b.query ? `: ${excerpt(b.query, 80)}` : ''})`
            : `pid ${blockers[i]}`,
        );
      findings.push(
        finding(
          'warn',
          'sessions',
          `${who(a)} has waited ${seconds(a.state_seconds)} for a lock held by ${holders.join(', ')}${a.query ? `; it runs: ${excerpt(a.query, 80)}` : ''}.`,
          'Find why the holder keeps its lock; a migration now would queue behind it (and everything after behind the migration).',
        ),
      );
    } else if (a.state === 'idle in transaction' || a.state === 'idle in transaction (aborted)') {
      if (a.state_seconds >= thresholds.idleInTransactionSeconds) {
        findings.push(
          finding(
            'warn',
            'sessions',
            `${who(a)} has been idle in a transaction for ${seconds(a.state_seconds)} (its transaction began ${seconds(a.seconds)} ago${a.query ? `; last: ${excerpt(a.query, 80)}` : ''}): it holds its locks and its snapshot.`,
            `End it in the application, or SELECT pg_terminate_backend(${a.pid}); set idle_in_transaction_session_timeout to end such sessions by themselves.`,
          ),
        );
      }
    } else if (a.state === 'active' && a.seconds >= thresholds.longRunningSeconds) {
      findings.push(
        finding(
          'warn',
          'sessions',
          `${who(a)} has run for ${seconds(a.seconds)}${a.query ? `: ${excerpt(a.query, 80)}` : ''}.`,
          'A migration that needs a lock on what it reads waits for it (up to lock_timeout).',
        ),
      );
    }
  }
  for (const s of settings) {
    const off = s.setting === '0';
    const advice =
      s.name === 'idle_in_transaction_session_timeout' && off
        ? ' (0: a forgotten transaction may hold its locks forever; consider a limit for the application role)'
        : s.name === 'lock_timeout' && off
          ? ' (0: a statement waits for a lock as long as it takes; smartem-db sets its own for migrations)'
          : '';
    findings.push(finding('info', 'settings', `${s.name} = ${off ? '0 (none)' : `${s.setting} ms`}${advice}.`));
  }
  return findings;
}

function seconds(s: number): string {
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

function parseIntArray(text: string): number[] {
  return text.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}
