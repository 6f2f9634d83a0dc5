import type { DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';
import { joinStatements } from '../sql/sql-split.js';

/**
 * Builds the model on a scratch database: its statements in one round trip, and if that fails,
 * again one at a time (nothing stayed: a multi-statement query is one implicit transaction) so
 * the error names the statement that PostgreSQL refused.
 */
export async function applyModel(session: DbSession, statements: readonly string[]): Promise<void> {
  try {
    await session.exec(joinStatements(statements));
    return;
  } catch {
    // Found again below, one statement at a time.
  }
  for (const sql of statements) {
    try {
      await session.exec(sql);
    } catch (error) {
      throw new SmartemDbError(
        'SCHEMA_LOAD_FAILED',
        `The Drizzle model's DDL failed on the scratch database at:\n  ${sql}\n${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
}
