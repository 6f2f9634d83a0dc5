import { statementKind } from './statement-kind.js';
import { sqlStateOf, type DbSession } from '../db/session.js';
import type { Logger } from './logger.js';

/** How a migration statement that cannot get its lock in time is tried again. */
export interface LockRetry {
  /** Tries after the first (0: fail at the first lock timeout). */
  retries: number;
  /** The first wait; each next one doubles, up to maxDelayMs, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LOCK_RETRY: LockRetry = { retries: 5, baseDelayMs: 500, maxDelayMs: 10_000 };

/** A lock_timeout: the statement gave up waiting for its lock (and nothing of it remains). */
function isLockTimeout(error: unknown): boolean {
  return sqlStateOf(error) === '55P03' || (error as { sqlState?: string } | undefined)?.sqlState === '55P03';
}

/**
 * Runs `attempt`, and while it fails on a lock timeout, waits (backoff with full jitter, so that
 * replicas do not retry in step) and runs it again, up to `policy.retries` times. Before each
 * wait it says who holds a lock on the tables the statement touches. `prepare` runs before each
 * retry (for a concurrent index build: drop the INVALID index the timed-out try left).
 */
export async function withLockRetry<T>(
  attempt: () => Promise<T>,
  options: {
    policy: LockRetry;
    session: DbSession;
    statement: () => string | undefined;
    what: string;
    logger?: Logger | undefined;
    prepare?: () => Promise<void>;
  },
): Promise<T> {
  for (let tried = 0; ; tried++) {
    try {
      if (tried > 0) await options.prepare?.();
      return await attempt();
    } catch (error) {
      if (!isLockTimeout(error) || tried >= options.policy.retries) {
        if (isLockTimeout(error) && tried > 0 && error instanceof Error) {
          const holders = await lockHolders(options.session, options.statement());
          error.message += `\nIt was tried ${tried + 1} times, with waits in between; the lock was not to be had${holders ? ` (${holders})` : ''}.`;
        }
        throw error;
      }
      const delay = Math.min(options.policy.maxDelayMs, options.policy.baseDelayMs * 2 ** tried);
      const wait = Math.round(delay / 2 + Math.random() * (delay / 2));
      const holders = await lockHolders(options.session, options.statement());
      options.logger?.warn(
        `${options.what} did not get its lock in time${holders ? `: ${holders}` : ''}; trying again in ${(wait / 1000).toFixed(1)} s ` +
          `(try ${tried + 2} of ${options.policy.retries + 1}).`,
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * Who holds locks on the tables a statement names (pid, application, state, for how long, the
 * start of its query), or undefined when none is found or the statement names no table.
 */
async function lockHolders(session: DbSession, sql: string | undefined): Promise<string | undefined> {
  const tables = sql ? tablesOf(sql) : [];
  if (tables.length === 0 || session.embedded) return undefined;
  const rows = await session
    .query<{
      pid: number;
      app: string | null;
      state: string | null;
      seconds: number;
      query: string | null;
      mode: string;
      rel: string;
    }>(
      `SELECT DISTINCT a.pid, nullif(a.application_name, '') AS app, a.state, l.mode, l.relation::regclass::text AS rel,
              extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::float8 AS seconds, a.query
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.granted AND l.pid <> pg_backend_pid() AND l.relation = ANY (
              SELECT to_regclass(t)::oid FROM jsonb_array_elements_text($1::text::jsonb) t WHERE to_regclass(t) IS NOT NULL)
        ORDER BY a.pid`,
      [JSON.stringify(tables)],
    )
    .catch(() => []);
  if (rows.length === 0) return undefined;
  return `${rows
    .slice(0, 3)
    .map(
      (r) =>
        `pid ${r.pid}${r.app ? ` "${r.app}"` : ''} holds ${r.mode} on ${r.rel} (${r.state ?? '?'}, ${Math.round(r.seconds)} s${r.query ? `: ${statementKind(r.query)}` : ''})`,
    )
    .join('; ')}${rows.length > 3 ? `; and ${rows.length - 3} more` : ''}`;
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?`;
const TABLE_PATTERNS = [
  new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${NAME})`, 'i'),
  new RegExp(
    String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:${NAME}\s+)?ON\s+(?:ONLY\s+)?(${NAME})`,
    'i',
  ),
  new RegExp(
    String.raw`^(?:DROP\s+TABLE|TRUNCATE(?:\s+TABLE)?|LOCK(?:\s+TABLE)?)\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${NAME})`,
    'i',
  ),
  new RegExp(String.raw`^(?:UPDATE|DELETE\s+FROM|INSERT\s+INTO)\s+(?:ONLY\s+)?(${NAME})`, 'i'),
];

/** The table a statement works on, as written (for to_regclass), if it says one plainly. */
export function tablesOf(sql: string): string[] {
  for (const pattern of TABLE_PATTERNS) {
    const m = pattern.exec(sql.trim());
    if (m) return [m[1]!];
  }
  return [];
}
