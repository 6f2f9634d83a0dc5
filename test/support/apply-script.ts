import type { DbSession } from '../../src/db/session.js';

/** The statement of a script that failed, and PostgreSQL's message. */
export interface ScriptFailure {
  sql: string;
  message: string;
}

/**
 * Applies a rendered up or down script as the runner would: in one transaction (rolled back on
 * failure) unless the script says it cannot run in one, then statement by statement. Returns the
 * statement that failed, or null.
 */
export async function applyScript(
  session: DbSession,
  script: { statements: { sql: string }[]; transactional: boolean },
): Promise<ScriptFailure | null> {
  const run = async (): Promise<ScriptFailure | null> => {
    for (const { sql } of script.statements) {
      const failure = await session.exec(sql).then(
        () => null,
        (error: Error) => ({ sql, message: error.message }),
      );
      if (failure) return failure;
    }
    return null;
  };
  if (!script.transactional) return run();
  await session.exec('BEGIN');
  const failure = await run();
  await session.exec(failure ? 'ROLLBACK' : 'COMMIT');
  return failure;
}
