import { tidyUp, type DbSession } from './session.js';

/**
 * Runs `work` inside BEGIN ... COMMIT on the session, and rolls back if it throws (the error is
 * rethrown; a failing ROLLBACK does not hide it). `begin` may add settings (SET LOCAL ...).
 *
 * @example await withTransaction(session, async () => { await session.query('insert ...'); });
 */
export async function withTransaction<T>(session: DbSession, work: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
  await session.exec(begin);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await tidyUp(session, 'ROLLBACK');
    throw error;
  }
  await session.exec('COMMIT');
  return result;
}

/**
 * Runs `work` in a transaction that is always rolled back: to look at what some statements would
 * do (the catalog after rename hints) without keeping it.
 *
 * @example const after = await inRolledBackTransaction(session, async () => { await session.exec(ddl); return introspect(session); });
 */
export async function inRolledBackTransaction<T>(session: DbSession, work: () => Promise<T>): Promise<T> {
  await session.exec('BEGIN');
  try {
    return await work();
  } finally {
    await session.exec('ROLLBACK');
  }
}
