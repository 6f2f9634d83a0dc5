import { redactSqlSecrets } from '../db/redact.js';
import { asPgError, sqlStateOf, type DbSession } from '../db/session.js';
import { MigrationFailedError } from '../errors.js';
import { journalName, type JournalRef } from './journal.js';
import type { Migration, MigrationScript } from './migration-folder.js';
import { doneStatements } from './upgrade-plan.js';
import { joinStatements, splitStatements, type SqlStatement } from './sql-split.js';

export interface ScriptRun {
  session: DbSession;
  journal: JournalRef;
  migration: Migration;
  direction: 'up' | 'down';
  lockTimeoutMs: number;
  /** For a resumed no-transaction migration: statements already done. */
  resumeAfterStatement?: number;
}

/**
 * Runs up.sql or down.sql of one migration and records it in the journal.
 *
 * A transactional script runs with its journal change in one transaction with `lock_timeout`
 * set: if any statement fails, nothing of it remains. A no-transaction script runs statement by
 * statement, and the journal row is updated after each one, so that if it fails or the process
 * dies midway the journal says exactly how far it got.
 */
export async function runScript(run: ScriptRun): Promise<{ durationMs: number; statements: number }> {
  const script = run.direction === 'up' ? run.migration.up : run.migration.down!;
  const statements = splitStatements(script.text);
  const started = performance.now();
  if (script.transactional) await runInTransaction(run, script, statements);
  else await runStatementByStatement(run, script, statements, started);
  return { durationMs: Math.round(performance.now() - started), statements: statements.length };
}

async function runInTransaction(run: ScriptRun, script: MigrationScript, statements: SqlStatement[]): Promise<void> {
  const { session, migration } = run;
  const started = performance.now();
  const begin = `BEGIN; SET LOCAL lock_timeout = ${Math.trunc(run.lockTimeoutMs)}`;
  await session.exec(begin);
  try {
    // One round trip for the whole script: a migration of hundreds of statements over a slow
    // network would otherwise spend most of its time waiting.
    if (statements.length > 0) await session.exec(joinStatements(statements.map((s) => s.sql)));
    if (run.direction === 'up') {
      await session.query(
        `INSERT INTO ${journalName(run.journal)} (id, checksum, status, execution_ms, statements_done, statements_total) VALUES ($1, $2, 'applied', $3, $4, $4)`,
        [migration.id, migration.checksum, Math.round(performance.now() - started), statements.length],
      );
    } else {
      await session.query(`DELETE FROM ${journalName(run.journal)} WHERE id = $1`, [migration.id]);
    }
    await session.exec('COMMIT');
  } catch (error) {
    await session.exec('ROLLBACK').catch(() => {});
    if (error instanceof MigrationFailedError || statements.length === 0) throw error;
    throw await locateFailure(run, script, statements, begin, error);
  }
}

/**
 * Finds which statement of a failed transactional script failed, by running it again one
 * statement at a time in a transaction that is always rolled back. Only the failure path pays
 * for this; if the failure does not happen again (a lock timeout, say), the first error is
 * reported without a statement.
 */
async function locateFailure(run: ScriptRun, script: MigrationScript, statements: SqlStatement[], begin: string, first: unknown) {
  const consequence = "The database is unchanged: the migration's transaction was rolled back.";
  const { session } = run;
  try {
    await session.exec(begin);
    for (const [k, statement] of statements.entries()) {
      try {
        await session.exec(statement.sql);
      } catch (error) {
        return failure(run, script, statements, k, error, consequence);
      }
    }
  } finally {
    await session.exec('ROLLBACK').catch(() => {});
  }
  const pg = asPgError(first);
  return new MigrationFailedError(
    `Migration ${run.migration.id} failed in ${script.file}: ${pg.message}${sqlStateOf(first) ? ` [SQLSTATE ${sqlStateOf(first)}]` : ''}\n` +
      `(Run again one statement at a time, it did not fail, so the statement is not known.)\n${consequence}`,
    run.migration.id,
    script.file,
    0,
    0,
    sqlStateOf(first),
    { cause: first },
  );
}

async function runStatementByStatement(
  run: ScriptRun,
  script: MigrationScript,
  statements: SqlStatement[],
  started: number,
): Promise<void> {
  const { session, migration } = run;
  const table = journalName(run.journal);
  const from = run.direction === 'up' ? (run.resumeAfterStatement ?? 0) : 0;
  await session.query(
    `INSERT INTO ${table} (id, checksum, status, statements_done, statements_total, direction, error) VALUES ($1, $2, 'running', $3, $4, $5, NULL)
     ON CONFLICT (id) DO UPDATE SET status = 'running', statements_done = $3, statements_total = $4, direction = $5, error = NULL`,
    [migration.id, migration.checksum, from, statements.length, run.direction],
  );
  await session.exec(`SET lock_timeout = ${Math.trunc(run.lockTimeoutMs)}`);
  try {
    for (let k = from; k < statements.length; k++) {
      try {
        await session.exec(statements[k]!.sql);
      } catch (error) {
        const note =
          `This migration runs without a transaction: of ${run.direction}.sql, ${doneStatements(k)} and stays so; ` +
          `and ${run.journal.schema}.${run.journal.table} marks ${migration.id} failed at statement ${k + 1}. Run \`smartem-db status\` for how to recover.`;
        const err = failure(run, script, statements, k, error, note);
        await session.query(`UPDATE ${table} SET status = 'failed', error = $2 WHERE id = $1`, [
          migration.id,
          `${script.file}:${err.line}: ${asPgError(error).message}`,
        ]);
        throw err;
      }
      await session.query(`UPDATE ${table} SET statements_done = $2 WHERE id = $1`, [migration.id, k + 1]);
    }
    if (run.direction === 'up') {
      await session.query(`UPDATE ${table} SET status = 'applied', direction = 'up', applied_at = now(), execution_ms = $2 WHERE id = $1`, [
        migration.id,
        Math.round(performance.now() - started),
      ]);
    } else {
      await session.query(`DELETE FROM ${table} WHERE id = $1`, [migration.id]);
    }
  } finally {
    await session.exec('RESET lock_timeout').catch(() => {});
  }
}

function failure(
  run: ScriptRun,
  script: MigrationScript,
  statements: SqlStatement[],
  k: number,
  error: unknown,
  consequence: string,
): MigrationFailedError {
  const statement = statements[k]!;
  const pg = asPgError(error);
  const position = Number(pg.position ?? 0);
  const line = position > 0 ? statement.line + countNewlines(statement.sql.slice(0, position - 1)) : statement.line;
  const state = sqlStateOf(error);
  const excerpt = redactSqlSecrets(statement.sql.split('\n')[0]!.slice(0, 160));
  const extra = [
    pg.detail ? `Detail: ${pg.detail}` : '',
    pg.hint ? `Hint: ${pg.hint}` : '',
    state === '55P03'
      ? `Hint: lock_timeout is ${run.lockTimeoutMs} ms; another session held a conflicting lock. Retry when the table is quieter, or raise the lock timeout.`
      : '',
  ].filter(Boolean);
  const message =
    `Migration ${run.migration.id} failed at ${script.file}:${line} (statement ${k + 1} of ${statements.length}: ${excerpt}${
      statement.sql.length > excerpt.length ? ' ...' : ''
    }): ${pg.message}${state ? ` [SQLSTATE ${state}]` : ''}\n${extra.map((e) => `${e}\n`).join('')}${consequence}`;
  return new MigrationFailedError(message, run.migration.id, script.file, k + 1, line, state, { cause: error });
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}
