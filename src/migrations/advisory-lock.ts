import { createHash } from 'node:crypto';
import type { DbSession } from '../db/session.js';
import { journalName, type JournalRef } from './journal.js';
import type { Logger } from './logger.js';

/**
 * The 64-bit advisory lock key for a journal: derived from its name, so two journals in one
 * database (two applications) do not block each other, and stable across versions.
 */
export function lockKey(ref: JournalRef): bigint {
  const digest = createHash('sha256').update(`smartem-db:${journalName(ref)}`).digest();
  return digest.readBigInt64BE(0);
}

/**
 * Takes the session-level advisory lock that serialises migration runs. If another session holds
 * it, says who (pid, application, since when, what it runs) through the logger, then waits.
 * Session-level, not transaction-level, because one run spans many transactions; a crashed
 * process releases it when its connection ends.
 */
export async function acquireMigrationLock(session: DbSession, ref: JournalRef, logger: Logger | undefined): Promise<void> {
  const key = lockKey(ref).toString();
  const [tried] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
  if (tried?.locked) return;
  if (logger) {
    const holder = await describeHolder(session, key);
    logger.info(`Waiting for the migration lock on ${journalName(ref)}, held by ${holder}.`);
  }
  const started = Date.now();
  await session.query('SELECT pg_advisory_lock($1::bigint)', [key]);
  logger?.info(`Got the migration lock after ${Date.now() - started} ms.`);
}

export async function releaseMigrationLock(session: DbSession, ref: JournalRef): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(ref).toString()]);
}

async function describeHolder(session: DbSession, key: string): Promise<string> {
  const k = BigInt.asUintN(64, BigInt(key));
  const rows = await session.query<{
    pid: number;
    application_name: string | null;
    client_addr: string | null;
    backend_start: Date | string | null;
    query: string | null;
  }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start, left(a.query, 120) AS query
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid`,
    [(k >> 32n).toString(), (k & 0xffffffffn).toString()],
  );
  const h = rows[0];
  if (!h) return 'another session (it may just have finished)';
  const since = h.backend_start ? ` connected since ${new Date(h.backend_start).toISOString()}` : '';
  const app = h.application_name ? ` "${h.application_name}"` : '';
  const addr = h.client_addr ? ` from ${h.client_addr}` : '';
  const query = h.query ? `, running: ${h.query.replace(/\s+/g, ' ')}` : '';
  return `pid ${h.pid}${app}${addr}${since}${query}`;
}
