import { poolerError, sameBackendGuard } from '../db/migration-target.js';
import { excerpt } from '../db/redact.js';
import { asPgError, sqlStateOf, tidyUp, type DbSession, type PipelinedQuery } from '../db/session.js';
import { MigrationFailedError, SmartemDbError } from '../errors.js';
import {
  forgetQuery,
  journalLabel,
  recordAppliedQuery,
  recordFailed,
  recordFinished,
  recordProgress,
  recordProgressSql,
  recordRunning,
  type JournalRef,
} from './journal.js';
import type { Logger } from './logger.js';
import type { Migration, MigrationScript } from './migration-folder.js';
import { recoverInterruptedStatement } from './resume-statement.js';
import { withLockRetry, type LockRetry } from './lock-retry.js';
import { StatementsChecksum } from './statements-checksum.js';
import { opensTransaction, runsAlone, transactionControl } from './statement-kind.js';
import { doneStatements } from './upgrade-plan.js';
import type { SqlStatement } from '../sql/sql-split.js';

interface ScriptRun {
  session: DbSession;
  journal: JournalRef;
  migration: Migration;
  direction: 'up' | 'down';
  /** The script's statements, split once by the caller (which also checked them). */
  statements: SqlStatement[];
  lockTimeoutMs: number;
  /** For a resumed no-transaction migration: statements already done. */
  resumeAfterStatement?: number;
  /** Whether an earlier run of this no-transaction migration stopped midway. */
  resuming?: boolean;
  /** The backend that holds the migration lock: each transaction first checks it runs there. */
  backendPid?: number | undefined;
  /** How a statement that cannot get its lock within lock_timeout is tried again. */
  lockRetry?: LockRetry | undefined;
  logger?: Logger;
  /** Progress a statement reports (a backfill's `RAISE NOTICE 'smartem-db:progress ...'`), for the heartbeat. */
  onProgress?: ((detail: string) => void) | undefined;
}

/**
 * Runs up.sql or down.sql of one migration and records it in the journal.
 *
 * A transactional script runs with its journal change in one transaction with `lock_timeout`
 * set: if any statement fails, nothing of it remains. It is sent as one pipeline (one round trip
 * per batch of statements, each statement its own query), so it runs exactly once and a failure
 * names its statement without running anything again.
 *
 * A no-transaction script runs statement by statement, each committed together with the journal's
 * count of statements done, so that if it fails or the process dies midway the journal says
 * exactly how far it got. Statements PostgreSQL refuses in a transaction block (CREATE INDEX
 * CONCURRENTLY) run on their own; resuming finds out what happened to the one interrupted.
 */
export async function runScript(run: ScriptRun): Promise<{ durationMs: number; statements: number }> {
  const script = scriptOf(run);
  const started = performance.now();
  if (script.transactional) await runInTransaction(run, script);
  else await runStatementByStatement(run, script, started);
  return { durationMs: Math.round(performance.now() - started), statements: run.statements.length };
}

function scriptOf(run: Pick<ScriptRun, 'migration' | 'direction'>): MigrationScript {
  return run.direction === 'up' ? run.migration.up : run.migration.down!;
}

/**
 * A transactional script, tried again as a whole when a statement times out on its lock (its
 * transaction rolled back, nothing of it remains).
 */
async function runInTransaction(run: ScriptRun, script: MigrationScript): Promise<void> {
  let failedAt: number | undefined;
  await withLockRetry(
    () =>
      attemptTransaction(run, script).catch((error: unknown) => {
        failedAt = error instanceof MigrationFailedError ? error.statementIndex - 1 : undefined;
        throw error;
      }),
    {
      policy: run.lockRetry ?? NO_RETRY,
      session: run.session,
      statement: () => (failedAt === undefined ? undefined : run.statements[failedAt]?.sql),
      what: `${run.migration.id} (statement ${(failedAt ?? 0) + 1})`,
      logger: run.logger,
    },
  );
}

const NO_RETRY: LockRetry = { retries: 0, baseDelayMs: 0, maxDelayMs: 0 };

async function attemptTransaction(run: ScriptRun, script: MigrationScript): Promise<void> {
  const { session, migration, statements } = run;
  const record =
    run.direction === 'up'
      ? recordAppliedQuery(run.journal, migration.id, migration.checksum, statements.length)
      : forgetQuery(run.journal, migration.id);
  const queries: PipelinedQuery[] = [
    { text: 'BEGIN' },
    { text: guardSql(run) },
    { text: `SET LOCAL lock_timeout = ${Math.trunc(run.lockTimeoutMs)}` },
    ...statements.map((s) => ({ text: s.sql })),
    record,
    // COMMIT of a transaction that failed rolls it back; the ROLLBACK below is for a pipeline cut short.
    { text: 'COMMIT' },
  ];
  const failed = await session.pipeline(queries);
  if (!failed) return;
  await tidyUp(session, 'ROLLBACK');
  if (failed.index === 1) throw poolerError(session.label);
  const consequence = "The database is unchanged: the migration's transaction was rolled back.";
  const k = failed.index - 3;
  if (k >= 0 && k < statements.length) throw failure(run, script, k, failed.error, consequence);
  const pg = asPgError(failed.error);
  const what =
    k < 0
      ? 'starting its transaction'
      : k === statements.length
        ? `recording it in ${journalLabel(run.journal)}`
        : 'committing';
  throw new MigrationFailedError(
    `Migration ${migration.id} failed while ${what}: ${pg.message}${stateSuffix(failed.error)}\n${consequence}`,
    migration.id,
    script.file,
    0,
    0,
    sqlStateOf(failed.error),
    { cause: failed.error },
  );
}

async function runStatementByStatement(run: ScriptRun, script: MigrationScript, started: number): Promise<void> {
  const { session, migration, statements, journal } = run;
  const from = run.direction === 'up' ? (run.resumeAfterStatement ?? 0) : 0;
  const checksum = new StatementsChecksum();
  for (const s of statements.slice(0, from)) checksum.add(s.sql);
  await recordRunning(session, journal, {
    id: migration.id,
    checksum: migration.checksum,
    done: from,
    total: statements.length,
    direction: run.direction,
    doneChecksum: checksum.value(),
  });
  await session.exec(`SET lock_timeout = ${Math.trunc(run.lockTimeoutMs)}`);
  // Statements between a BEGIN and a COMMIT of the script's own commit with that block; the
  // journal's count follows them inside it. `committed` is what the journal says after a failure.
  let inBlock = false;
  let committed = from;
  try {
    for (let k = from; k < statements.length; k++) {
      const statement = statements[k]!;
      checksum.add(statement.sql);
      const progress = recordProgressSql(journal, migration.id, k + 1, checksum.value());
      try {
        if (
          k === from &&
          run.resuming &&
          (await recoverInterruptedStatement(session, statement.sql, k, run.logger)) === 'done'
        ) {
          await recordProgress(session, journal, migration.id, k + 1, checksum.value());
          committed = k + 1;
          continue;
        }
        const control = transactionControl(statement.sql);
        if (control) {
          await session.exec(statement.sql);
          inBlock = opensTransaction(control);
          await session.exec(progress);
          if (!inBlock) committed = k + 1;
        } else if (inBlock) {
          // Inside the script's own block a lock timeout aborts the block: no statement alone to retry.
          await runQueries(session, [{ text: statement.sql }, { text: progress }]);
        } else {
          const alone = runsAlone(statement.sql);
          await withLockRetry(
            async () => {
              if (alone) {
                await withProgressNotices(session, k, run.onProgress, () => session.exec(statement.sql));
                await session.exec(progress);
              } else {
                await runWithProgress(session, statement.sql, progress, guardSql(run));
              }
            },
            {
              policy: run.lockRetry ?? NO_RETRY,
              session,
              statement: () => statement.sql,
              what: `${migration.id} (statement ${k + 1})`,
              logger: run.logger,
              // A concurrent build that timed out left an INVALID index: drop it before building again.
              prepare: alone
                ? async () => void (await recoverInterruptedStatement(session, statement.sql, k, run.logger))
                : undefined,
            },
          );
          committed = k + 1;
        }
      } catch (error) {
        if (inBlock) await tidyUp(session, 'ROLLBACK');
        const done = `This migration runs without a transaction: of ${run.direction}.sql, ${doneStatements(committed)} and stays so; `;
        const recover = 'Run `smartem-db status` for how to recover (`upgrade --resume` goes on from there).';
        const at = `${script.file}:${statementLine(run, k, error)}`;
        const recorded = await recordFailed(
          session,
          journal,
          migration.id,
          `${at}: ${excerpt(asPgError(error).message, 500)}`,
        ).then(
          () => `and ${journalLabel(journal)} marks ${migration.id} failed at statement ${committed + 1}. `,
          // The connection itself is gone (the server restarted, the session was terminated).
          () =>
            `${journalLabel(journal)} could not be told (the connection was lost); it shows ${migration.id} interrupted at statement ${committed + 1}. `,
        );
        throw failure(run, script, k, error, done + recorded + recover);
      }
    }
    if (inBlock) {
      throw new SmartemDbError(
        'MIGRATION_FAILED',
        `${script.file} opens a transaction (BEGIN) that it never ends; add COMMIT at the end. Its last statements were not committed.`,
      );
    }
    await recordFinished(session, journal, migration.id, run.direction, Math.round(performance.now() - started));
  } finally {
    if (inBlock) await tidyUp(session, 'ROLLBACK');
    await tidyUp(session, 'RESET lock_timeout');
  }
}

/**
 * One statement and its journal progress in one short transaction, one round trip. A statement
 * PostgreSQL refuses inside a transaction block that runsAlone() did not foresee is run again on
 * its own (its first attempt was rolled back).
 */
async function runWithProgress(session: DbSession, sql: string, progress: string, guard: string): Promise<void> {
  const failed = await session.pipeline([
    { text: 'BEGIN' },
    { text: guard },
    { text: sql },
    { text: progress },
    { text: 'COMMIT' },
  ]);
  if (!failed) return;
  await tidyUp(session, 'ROLLBACK');
  if (failed.index === 1) throw poolerError(session.label);
  const state = sqlStateOf(failed.error);
  if (failed.index === 2 && (state === '25001' || state === '2D000')) {
    await session.exec(sql);
    await session.exec(progress);
    return;
  }
  throw failed.error;
}

async function runQueries(session: DbSession, queries: PipelinedQuery[]): Promise<void> {
  const failed = await session.pipeline(queries);
  if (failed) throw failed.error;
}

/** The same-backend check, or a no-op where there is no backend to check (embedded). */
function guardSql(run: ScriptRun): string {
  return run.backendPid === undefined ? 'SELECT 1' : sameBackendGuard(run.backendPid);
}

function stateSuffix(error: unknown): string {
  const state = sqlStateOf(error);
  return state ? ` [SQLSTATE ${state}]` : '';
}

/** Out of shared memory for locks: the migration's one transaction touches more objects than the lock table holds. */
const LOCK_TABLE_HINT =
  "Hint: a migration's transaction holds a lock on every table, index, sequence, type and constraint it creates or drops until it commits, " +
  'and this one needs more than the lock table holds (max_locks_per_transaction × (max_connections + max_prepared_transactions), ' +
  'shared by every session). Raise max_locks_per_transaction on the server (a restart), or split the migration into several.';

function failure(
  run: ScriptRun,
  script: MigrationScript,
  k: number,
  error: unknown,
  consequence: string,
): MigrationFailedError {
  const statements = run.statements;
  const statement = statements[k]!;
  const pg = asPgError(error);
  const line = statementLine(run, k, error);
  const state = sqlStateOf(error);
  const extra = [
    pg.detail ? `Detail: ${pg.detail}` : '',
    pg.hint ? `Hint: ${pg.hint}` : '',
    state === '55P03'
      ? `Hint: lock_timeout is ${run.lockTimeoutMs} ms; another session held a conflicting lock. Retry when the table is quieter, or raise the lock timeout (--lock-timeout) or the tries (--lock-retries).`
      : '',
    state === '53200' && /lock|shared memory/i.test(pg.message) ? LOCK_TABLE_HINT : '',
  ].filter(Boolean);
  const message =
    `Migration ${run.migration.id} failed at ${script.file}:${line} (statement ${k + 1} of ${statements.length}: ${excerpt(statement.sql)}): ` +
    `${pg.message}${stateSuffix(error)}\n${extra.map((e) => `${e}\n`).join('')}${consequence}`;
  return new MigrationFailedError(message, run.migration.id, script.file, k + 1, line, state, { cause: error });
}

/** The line of the script an error points at: its position within the statement, else the statement's first line. */
function statementLine(run: ScriptRun, k: number, error: unknown): number {
  const statement = run.statements[k]!;
  const position = Number(asPgError(error).position ?? 0);
  return position > 0 ? statement.line + countNewlines(statement.sql.slice(0, position - 1)) : statement.line;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

const PROGRESS_NOTICE = /^smartem-db:progress (.*)$/s;

/** Runs a statement with its progress notices passed on as "statement k: <detail>". */
async function withProgressNotices(
  session: DbSession,
  k: number,
  onProgress: ((detail: string) => void) | undefined,
  work: () => Promise<void>,
): Promise<void> {
  if (!onProgress || !session.onNotice) return work();
  session.onNotice((message) => {
    const m = PROGRESS_NOTICE.exec(message);
    if (m) onProgress(`statement ${k + 1}: ${m[1]}`);
  });
  try {
    await work();
  } finally {
    session.onNotice(undefined);
  }
}
