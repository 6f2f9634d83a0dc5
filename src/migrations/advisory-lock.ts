import { createHash } from 'node:crypto';
import type { DbSession } from '../db/session.js';
import { journalName, type JournalRef } from './journal.js';
import type { Logger } from './logger.js';
import { statementKind } from './statement-kind.js';

/**
 * The 64-bit advisory lock key for a journal: derived from its name, so two journals in one
 * database (two applications) do not block each other, and stable across versions.
 */
export function lockKey(ref: JournalRef): bigint {
  const digest = createHash('sha256')
    .update(`smartem-db:${journalName(ref)}`)
    .digest();
  return digest.readBigInt64BE(0);
}

/**
 * Takes the session-level advisory lock that serialises migration runs. If another session holds
 * it, says who (pid, application, since when, what it runs) through the logger, then waits.
 * Session-level, not transaction-level, because one run spans many transactions; a crashed
 * process releases it when its connection ends.
 *
 * Waiting polls `pg_try_advisory_lock` with backoff instead of blocking in `pg_advisory_lock`: a
 * blocked statement holds a snapshot, and `CREATE INDEX CONCURRENTLY` in the holder's migration
 * waits for every older snapshot to end, while the waiter waits for the holder: a deadlock. Between
 * polls the waiting session is idle, outside any transaction.
 */
export async function acquireMigrationLock(
  session: DbSession,
  ref: JournalRef,
  logger: Logger | undefined,
  poll: LockPolling = DEFAULT_POLLING,
): Promise<number | undefined> {
  const key = lockKey(ref).toString();
  const first = await tryLock(session, key);
  if (first.locked) return first.pid;
  const started = Date.now();
  if (logger)
    logger.info(
      `Waiting for the migration lock on ${journalName(ref)}, held by ${await describeHolder(session, key)}.`,
    );
  let delay = poll.initialMs;
  let nextReport = started + poll.reportEveryMs;
  for (;;) {
    // Full jitter around the delay, so replicas that started together do not poll in step.
    await sleep(delay / 2 + Math.random() * delay);
    const attempt = await tryLock(session, key);
    if (attempt.locked) {
      logger?.info(`Got the migration lock after ${Date.now() - started} ms.`);
      return attempt.pid;
    }
    delay = Math.min(poll.maxMs, delay * 1.5);
    if (logger && Date.now() >= nextReport) {
      nextReport = Date.now() + poll.reportEveryMs;
      logger.info(
        `Still waiting for the migration lock (${Math.round((Date.now() - started) / 1000)} s), held by ${await describeHolder(session, key)}.`,
      );
    }
  }
}

/** How a waiting process polls for the migration lock. */
interface LockPolling {
  initialMs: number;
  maxMs: number;
  /** How often a waiting process says again who holds the lock. */
  reportEveryMs: number;
}

const DEFAULT_POLLING: LockPolling = { initialMs: 20, maxMs: 500, reportEveryMs: 15_000 };

/** Tries the lock once; says which backend took it (a pooler may have moved the session). */
async function tryLock(session: DbSession, key: string): Promise<{ locked: boolean; pid: number | undefined }> {
  const [tried] = await session.query<{ locked: boolean; pid: number }>(
    'SELECT pg_try_advisory_lock($1::bigint) AS locked, pg_backend_pid() AS pid',
    [key],
  );
  return { locked: tried?.locked === true, pid: tried?.pid };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function releaseMigrationLock(session: DbSession, ref: JournalRef): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(ref).toString()]);
}

/**
 * Who holds the migration lock of a journal in this database right now (pid, application, what
 * it runs), or undefined when nobody does: how `status` tells a migration that is running from
 * one that was interrupted.
 */
export async function migrationLockHolder(session: DbSession, ref: JournalRef): Promise<string | undefined> {
  // The embedded database is one process's: nobody else can be running a migration in it.
  if (session.embedded) return undefined;
  return holderOf(session, lockKey(ref).toString());
}

async function describeHolder(session: DbSession, key: string): Promise<string> {
  return (await holderOf(session, key)) ?? 'another session (it may just have finished)';
}

async function holderOf(session: DbSession, key: string): Promise<string | undefined> {
  const k = BigInt.asUintN(64, BigInt(key));
  const rows = await session.query<{
    pid: number;
    application_name: string | null;
    client_addr: string | null;
    backend_start: Date | string | null;
    query: string | null;
  }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start, a.query
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid`,
    [(k >> 32n).toString(), (k & 0xffffffffn).toString()],
  );
  const h = rows[0];
  if (!h) return undefined;
  const since = h.backend_start ? ` connected since ${new Date(h.backend_start).toISOString()}` : '';
  const app = h.application_name ? ` "${h.application_name}"` : '';
  const addr = h.client_addr ? ` from ${h.client_addr}` : '';
  const query = h.query ? `, running ${statementKind(h.query)}` : '';
  return `pid ${h.pid}${app}${addr}${since}${query}`;
}
