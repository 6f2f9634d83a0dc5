import { join } from 'node:path';
import { sqlStateOf, tidyUp, type DbSession } from '../db/session.js';
import { MigrationFailedError, SmartemDbError } from '../errors.js';
import { quoteIdent } from '../sql/quote.js';
import { acquireMigrationLock, releaseMigrationLock } from './advisory-lock.js';
import { assertMigratable, poolerError } from '../db/migration-target.js';
import { withTransaction } from '../db/transaction.js';
import type { Backup } from '../backup/backup.js';
import type { LockRetry } from './lock-retry.js';
import { appliedIds, ensureJournal, readJournal, stampJournal, type JournalRef, type JournalRow } from './journal.js';
import type { Logger } from './logger.js';
import { verifyFolderManifest, type Migration, type MigrationsFolder } from './migration-folder.js';
import { runScript } from './run-script.js';
import { scriptStatements } from './script-statements.js';
import type { SqlStatement } from '../sql/sql-split.js';
import { droppedColumns, droppedTables } from './statement-kind.js';
import { pickRevert, resolveMigration, resolveUpgradeTarget, type RollbackTarget } from './targets.js';
import { planUpgrade, unfinishedError, verifyApplied } from './upgrade-plan.js';

/** `unrecognized configuration parameter`: a setting this server's version does not have. */
const UNDEFINED_SETTING = '42704';

export interface RunnerContext {
  session: DbSession;
  folder: MigrationsFolder;
  journal: JournalRef;
  lockTimeoutMs: number;
  /** How a statement that times out on its lock is tried again (default: not). */
  lockRetry?: LockRetry | undefined;
  /** How far (ms) a standby may fall behind a backfill before it waits (the backfill's default: 1000). */
  maxReplicaLagMs?: number | undefined;
  logger?: Logger | undefined;
  /** Called under the lock once it is certain that migrations will run (a backup, say). */
  beforeChanges?: ((plan: { head: string | null; pending: readonly Migration[] }) => Promise<void>) | undefined;
}

export interface AppliedMigration {
  id: string;
  direction: 'up' | 'down';
  durationMs: number;
  statements: number;
}

export interface RunResult {
  /** What ran, in order. Empty when there was nothing to do. */
  ran: AppliedMigration[];
  /** The last applied migration afterwards, or null at base. */
  head: string | null;
  /** Where: a redacted URL or the embedded database's folder. */
  database: string;
  /** The backup written before anything ran (when asked for and something was pending). */
  backup?: Backup;
  /** A contract migration left for `upgrade --contract` (its expand applied or in this run). */
  contractWaiting?: { id: string; expand: string };
}

interface UpgradeTarget {
  /** A migration ref (id, number, prefix, `head`) or `+N` for the next N migrations. */
  to?: string;
  allowOutOfOrder?: boolean;
  resume?: boolean;
  /** Stop before a contract migration (an application's start, and upgrade without --contract). */
  holdContracts?: boolean;
}

/**
 * Applies pending migrations under the advisory lock. The common case, nothing pending, is one
 * journal read and no DDL and no lock: it runs at every application start.
 */
export async function upgrade(ctx: RunnerContext, target: UpgradeTarget = {}): Promise<RunResult> {
  const { session, folder, journal: ref } = ctx;
  const shown = folder.shown;
  const options = (rows: readonly JournalRow[]) => ({
    to: resolveUpgradeTarget(folder.migrations, appliedIds(rows), target.to),
    allowOutOfOrder: target.allowOutOfOrder,
    resume: target.resume,
    holdContracts: target.holdContracts,
  });
  const waiting = (held: Migration | undefined) =>
    held ? { contractWaiting: { id: held.id, expand: held.contracts! } } : {};
  const first = await readJournal(session, ref);
  if (first && first.every((r) => r.status === 'applied')) {
    const plan = planUpgrade(folder.migrations, first, ref, shown, options(first));
    if (plan.pending.length === 0)
      return { ran: [], head: plan.head, database: session.label, ...waiting(plan.heldBack) };
  }
  if (!first && folder.migrations.length === 0) return { ran: [], head: null, database: session.label };

  return withLock(ctx, async () => {
    // Another process may have applied everything while this one waited: plan again.
    const rows = (await readJournal(session, ref)) ?? [];
    const plan = planUpgrade(folder.migrations, rows, ref, shown, options(rows));
    const ran: AppliedMigration[] = [];
    const total = plan.pending.length;
    const started = performance.now();
    // Every script is split and checked before the first one runs.
    const scripts = plan.pending.map((p) => scriptStatements(p.migration.up));
    if (plan.pending.length > 0)
      await ctx.beforeChanges?.({ head: plan.head, pending: plan.pending.map((p) => p.migration) });
    for (const [i, { migration, resumeAfterStatement, resuming }] of plan.pending.entries()) {
      const resumed = resuming ? ` (resuming at statement ${resumeAfterStatement + 1})` : '';
      ctx.logger?.info(`[${i + 1}/${total}] Applying ${migration.id}${resumed} ...`);
      const result = await withHeartbeat(ctx.logger, `[${i + 1}/${total}] Applying ${migration.id}`, (onProgress) =>
        runScript({
          ...runOptions(ctx),
          onProgress,
          migration,
          direction: 'up',
          statements: scripts[i]!,
          resumeAfterStatement,
          resuming,
        }),
      ).catch((error: unknown) => {
        throw partlyDone(error, ran, 'applied', ran.at(-1)?.id ?? plan.head);
      });
      ran.push({ id: migration.id, direction: 'up', ...result });
      ctx.logger?.info(
        `[${i + 1}/${total}] Applied ${migration.id} in ${result.durationMs} ms (${elapsed(started)} elapsed).`,
      );
    }
    // The head is the last applied migration in folder order, which an out-of-order run does not move.
    const nowApplied = new Set([...appliedIds(rows), ...ran.map((r) => r.id)]);
    const head = folder.migrations.filter((m) => nowApplied.has(m.id)).at(-1)?.id ?? null;
    return { ran, head, database: session.label, ...waiting(plan.heldBack) };
  });
}

/** How a rollback treats tables it would drop that hold rows. */
export interface RollbackSafety {
  /** Roll back even so (--yes). */
  allowDataLoss?: boolean | undefined;
  /**
   * Asked, with what would be lost (`table t (12 rows)`, `column t.c (3 values)`), when
   * allowDataLoss is not set (the CLI asks on a terminal).
   */
  confirmDataLoss?: ((objects: string[]) => Promise<boolean>) | undefined;
}

/**
 * Runs down.sql of applied migrations, newest first, each in its own transaction. A rollback
 * whose down scripts drop tables that hold rows is refused unless allowed or confirmed.
 */
export async function downgrade(
  ctx: RunnerContext,
  target: RollbackTarget,
  safety: RollbackSafety = {},
): Promise<RunResult> {
  const { session, folder, journal: ref } = ctx;
  return withLock(ctx, async () => {
    const rows = (await readJournal(session, ref)) ?? [];
    verifyApplied(folder.migrations, rows, ref, folder.shown);
    const unfinished = rows.find((r) => r.status !== 'applied');
    if (unfinished) throw unfinishedError(unfinished, ref);
    const applied = appliedInOrder(folder.migrations, rows);
    const revert = pickRevert(folder.migrations, applied, target);
    for (const m of revert) {
      if (!m.down) {
        throw new SmartemDbError(
          'NO_DOWN_MIGRATION',
          `${join(folder.shown, m.id)}/down.sql is missing, so ${m.id} cannot be rolled back. Nothing was rolled back. ` +
            'Write the down.sql (and run `smartem-db hash`), or stamp past it if the database was reverted by other means.',
        );
      }
    }
    const scripts = revert.map((m) => scriptStatements(m.down!));
    await refuseDroppingRows(session, scripts.flat(), safety);
    const ran: AppliedMigration[] = [];
    const started = performance.now();
    for (const [i, m] of revert.entries()) {
      ctx.logger?.info(`[${i + 1}/${revert.length}] Rolling back ${m.id} ...`);
      const result = await withHeartbeat(ctx.logger, `[${i + 1}/${revert.length}] Rolling back ${m.id}`, (onProgress) =>
        runScript({ ...runOptions(ctx), onProgress, migration: m, direction: 'down', statements: scripts[i]! }),
      ).catch((error: unknown) => {
        throw partlyDone(error, ran, 'rolled back', applied[applied.length - 1 - i]?.id ?? null);
      });
      ran.push({ id: m.id, direction: 'down', ...result });
      ctx.logger?.info(
        `[${i + 1}/${revert.length}] Rolled back ${m.id} in ${result.durationMs} ms (${elapsed(started)} elapsed).`,
      );
    }
    const remaining = applied.slice(0, applied.length - revert.length);
    return { ran, head: remaining.at(-1)?.id ?? null, database: session.label };
  });
}

/**
 * Makes the journal say that exactly the migrations up to `to` are applied, running nothing
 * (Alembic's stamp): how an existing SmartEM database adopts the baseline, and how a failed
 * no-transaction migration that was finished or undone by hand is marked.
 */
export async function stamp(ctx: RunnerContext, to: string): Promise<RunResult> {
  const { session, folder, journal: ref } = ctx;
  const target = resolveMigration(folder.migrations, to);
  return withLock(ctx, async () => {
    const keep = folder.migrations.filter((m) => target !== null && m.number <= target.number);
    await withTransaction(session, () => stampJournal(session, ref, keep));
    return { ran: [], head: target?.id ?? null, database: session.label };
  });
}

/**
 * Runs `work` holding the migration lock, with the journal in place: every change to the schema
 * and the journal (upgrade, downgrade, stamp, adopt) goes through here.
 */
export async function withLock<T>(ctx: RunnerContext, work: () => Promise<T>): Promise<T> {
  // Nothing runs from a folder whose files differ from what was reviewed and hashed.
  verifyFolderManifest(ctx.folder);
  const pid = await assertMigratable(ctx.session);
  const holder = await acquireMigrationLock(ctx.session, ctx.journal, ctx.logger);
  if (pid !== undefined && holder !== pid) {
    // Not ours after all, or the connection is gone (which releases it): nothing to report.
    await releaseMigrationLock(ctx.session, ctx.journal).catch(() => undefined);
    throw poolerError(ctx.session.label);
  }
  backendPids.set(ctx, pid);
  // If this process dies mid-statement, let the server notice within a second and roll back,
  // releasing the advisory lock and table locks, instead of finishing a long statement first.
  // (PostgreSQL 14+; older servers do not know the setting, which only costs that speed-up.)
  await ctx.session.exec("SET client_connection_check_interval = '1s'").catch((error: unknown) => {
    if (sqlStateOf(error) !== UNDEFINED_SETTING) throw error;
  });
  // Read by the backfills' DO blocks (render/render-online.ts); a custom setting any role may set.
  if (ctx.maxReplicaLagMs !== undefined)
    await ctx.session.exec(`SET smartem_db.max_replica_lag = '${Math.trunc(ctx.maxReplicaLagMs)}ms'`);
  try {
    await ensureJournal(ctx.session, ctx.journal);
    return await work();
  } finally {
    // Not ours after all, or the connection is gone (which releases it): nothing to report.
    await releaseMigrationLock(ctx.session, ctx.journal).catch(() => undefined);
    // The connection may be the application's own (migrate({ sql })): leave its settings as they were.
    await tidyUp(ctx.session, 'RESET client_connection_check_interval');
    if (ctx.maxReplicaLagMs !== undefined) await tidyUp(ctx.session, 'RESET smartem_db.max_replica_lag');
  }
}

// The backend that holds the lock, per run: every migration transaction checks it runs there.
const backendPids = new WeakMap<RunnerContext, number | undefined>();

function runOptions(ctx: RunnerContext) {
  return {
    session: ctx.session,
    journal: ctx.journal,
    lockTimeoutMs: ctx.lockTimeoutMs,
    logger: ctx.logger,
    backendPid: backendPids.get(ctx),
    lockRetry: ctx.lockRetry,
  };
}

export function appliedInOrder(migrations: readonly Migration[], rows: readonly JournalRow[]): Migration[] {
  const applied = appliedIds(rows);
  return migrations.filter((m) => applied.has(m.id));
}

/**
 * While `work` runs, a heartbeat line every second for a terminal that shows one, with the latest
 * progress the work reports (a backfill's rows so far).
 */
async function withHeartbeat<T>(
  logger: Logger | undefined,
  label: string,
  work: (onProgress: ((detail: string) => void) | undefined) => Promise<T>,
): Promise<T> {
  if (!logger?.heartbeat) return work(undefined);
  const started = performance.now();
  let detail = '';
  const timer = setInterval(
    () => logger.heartbeat?.(`${label} ... ${elapsed(started)}${detail ? `: ${detail}` : ''}`),
    1000,
  );
  try {
    return await work((d) => void (detail = d));
  } finally {
    clearInterval(timer);
  }
}

/**
 * A migration's failure after others of the same run committed: its message said what happened to
 * that migration; this says which ones before it stay done, and where the database now stands.
 */
function partlyDone(error: unknown, done: readonly AppliedMigration[], verb: string, at: string | null): unknown {
  if (done.length === 0 || !(error instanceof SmartemDbError)) return error;
  const ids = done.map((d) => d.id).join(', ');
  const message =
    `${error.message}\n${done.length} migration${done.length === 1 ? '' : 's'} of this run ${done.length === 1 ? 'was' : 'were'} ` +
    `${verb} and committed before it: ${ids}. The database is now at ${at ?? 'base'}.`;
  if (error instanceof MigrationFailedError) {
    return new MigrationFailedError(
      message,
      error.migration,
      error.file,
      error.statementIndex,
      error.line,
      error.sqlState,
      {
        cause: error,
      },
    );
  }
  return new SmartemDbError(error.code, message, { cause: error });
}

/** Counted up to this many rows; more is said as "over" it. */
const COUNT_LIMIT = 1_000_000;

/**
 * Refuses a rollback whose down scripts drop tables that hold rows, or columns that hold values,
 * naming each with how many, unless it is allowed (--yes) or confirmed (asked on a terminal).
 */
async function refuseDroppingRows(
  session: DbSession,
  statements: readonly SqlStatement[],
  safety: RollbackSafety,
): Promise<void> {
  if (safety.allowDataLoss) return;
  const count = async (from: string, where = 'true') => {
    const [row] = await session.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${COUNT_LIMIT + 1}) x`,
    );
    const n = Number(row?.n ?? 0);
    return n > COUNT_LIMIT ? `over ${COUNT_LIMIT.toLocaleString('en')}` : n.toLocaleString('en');
  };
  // Schema-qualified, whatever the search path: the name a person checks before saying yes.
  const tableOf = async (written: string) =>
    (
      await session.query<{ name: string | null }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
        [written],
      )
    )[0]?.name ?? null;
  const holding: string[] = [];
  const droppedTableNames = new Set<string>();
  for (const written of new Set(statements.flatMap((s) => droppedTables(s.sql)))) {
    const table = await tableOf(written);
    if (!table) continue;
    droppedTableNames.add(table);
    const rows = await count(table);
    if (rows !== '0') holding.push(`table ${table} (${rows} row${rows === '1' ? '' : 's'})`);
  }
  for (const { table: written, column } of statements.flatMap((s) => droppedColumns(s.sql))) {
    const table = await tableOf(written);
    // A column of a table the rollback drops anyway is counted with its table.
    if (!table || droppedTableNames.has(table)) continue;
    const [exists] = await session.query<{ ok: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND NOT attisdropped) AS ok',
      [table, column],
    );
    if (!exists?.ok) continue;
    const values = await count(table, `${quoteIdent(column)} IS NOT NULL`);
    if (values !== '0')
      holding.push(`column ${table}.${quoteIdent(column)} (${values} value${values === '1' ? '' : 's'})`);
  }
  if (holding.length === 0) return;
  if (safety.confirmDataLoss && (await safety.confirmDataLoss(holding))) return;
  throw new SmartemDbError(
    'DATA_LOSS_REFUSED',
    `Rolling back would drop data: ${holding.join(', ')}. Nothing was rolled back. ` +
      'Back the data up first (pg_dump, or upgrade --backup), then pass --yes (allowDataLoss: true in code).',
  );
}

function elapsed(started: number): string {
  const s = (performance.now() - started) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
