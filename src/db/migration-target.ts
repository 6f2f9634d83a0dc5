import { SmartemDbError } from '../errors.js';
import type { DbSession } from './session.js';
import { withTransaction } from './transaction.js';

/**
 * Before the migration lock is taken: the database must accept writes (not a hot standby), and the
 * connection must reach one server session for its whole life (not a pooler in transaction mode,
 * where a session advisory lock, SET and a no-transaction migration's steps would each land on
 * whichever server connection is free). Returns the backend's pid, which every migration
 * transaction then checks it still runs on.
 */
export async function assertMigratable(session: DbSession): Promise<number | undefined> {
  if (session.embedded) return undefined;
  const [row] = await session.query<{ pid: number; standby: boolean }>(
    'SELECT pg_backend_pid() AS pid, pg_is_in_recovery() AS standby',
  );
  if (!row) return undefined;
  if (row.standby) {
    throw new SmartemDbError(
      'READ_ONLY_DATABASE',
      `${session.label} is a hot standby (in recovery, read-only): migrations can only be applied on the primary. ` +
        'Point --url (or DATABASE_URL) at the primary; a standby can still be read by status and check.',
    );
  }
  if (session.openSibling && (await behindTransactionPooler(session, row.pid))) throw poolerError(session.label);
  return row.pid;
}

export function poolerError(label: string): SmartemDbError {
  return new SmartemDbError(
    'TRANSACTION_POOLER',
    `${label} reaches PostgreSQL through a connection pooler in transaction mode (PgBouncer's pool_mode = transaction, ` +
      'or the like): consecutive statements land on different server connections, so the migration lock, SET lock_timeout ' +
      'and a no-transaction migration could not hold, and smartem-db will not migrate through it. Nothing was changed. ' +
      'Give a connection that reaches PostgreSQL itself (or a session-mode pool): DIRECT_DATABASE_URL, the directUrl option ' +
      "or --direct-url, as Prisma's directUrl. Reads (status, check) may keep using the pooler.",
  );
}

/**
 * Whether the session goes through a transaction-mode pooler: a second client holds a transaction
 * open while this one runs a statement. Behind such a pooler the second client is handed this
 * client's idle server connection (so their pids match), or this one is moved off it (its pid
 * changes); with one server connection per client neither can happen.
 */
async function behindTransactionPooler(session: DbSession, pid: number): Promise<boolean> {
  const other = await session.openSibling!();
  try {
    return await withTransaction(other, async () => {
      const [theirs] = await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const [again] = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return theirs?.pid === pid || again?.pid !== pid;
    });
  } finally {
    await other.close();
  }
}

/**
 * A statement that fails unless it runs on the backend that holds the migration lock: the first
 * of every migration transaction, so that a transaction a pooler moved elsewhere does nothing.
 */
export function sameBackendGuard(pid: number): string {
  // The failing branch names the backend and must not be constant (PostgreSQL folds constants
  // while planning, even in a branch never taken).
  return (
    `SELECT CASE WHEN pg_backend_pid() = ${Math.trunc(pid)} THEN 1 ` +
    `ELSE ('smartem-db: this transaction runs on backend ' || pg_backend_pid() || ', not ${Math.trunc(pid)} that holds the migration lock')::integer END`
  );
}
