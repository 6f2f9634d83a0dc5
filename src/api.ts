// The API: what an application calls (migrate at startup) and the runner's verbs; the verbs that look
// after a database and the developer tools come from api-database.ts and api-development.ts.
import type { SmartemDbConfig } from './config/config.js';
import { openSession, sessionTarget, type ConnectionOptions } from './db/open-session.js';
import { lockFolder } from './db/directory-lock.js';
import type { Backup } from './backup/backup.js';
import type { Restored } from './backup/restore.js';
import { resolve } from 'node:path';
import type { DbSession } from './db/session.js';
import { appliedIds, readJournal, type JournalRef, type JournalRow } from './migrations/journal.js';
import { rehashMigrationsFolder, type MigrationsFolder } from './migrations/migration-folder.js';
import { renderOfflineSql } from './migrations/offline-sql.js';
import {
  appliedInOrder,
  downgrade,
  stamp as stampJournal,
  upgrade,
  type RunResult,
  type RunnerContext,
} from './migrations/runner.js';
import { readStatus, type StatusReport } from './migrations/status.js';
import { pickRevert, resolveMigration, resolveUpgradeTarget } from './migrations/targets.js';
import {
  configOf,
  journalOf,
  migrationsFolderOf,
  openMigrationsFolder,
  type CommonOptions,
  type MigrateOptions,
  type OfflineSqlOptions,
  type RollbackOptions,
  type RollbackTarget,
} from './options.js';
import { planUpgrade } from './migrations/upgrade-plan.js';
import { withRunner } from './with-runner.js';

/**
 * Applies pending migrations and returns what ran and the new head. Safe to call from every
 * replica at startup: an advisory lock makes each migration run exactly once, and with nothing
 * pending it costs one journal read.
 *
 * @example
 * import { migrate } from 'smartem-db';
 * const { ran, head } = await migrate({ url: process.env.DATABASE_URL });
 */
export async function migrate(options: MigrateOptions = {}): Promise<RunResult> {
  const config = configOf(options);
  let backup: Backup | undefined;
  const wanted = options.backup === true ? {} : options.backup || undefined;
  const beforeChanges: RunnerContext['beforeChanges'] = wanted
    ? async ({ head }) => {
        const { writeBackup, DEFAULT_BACKUP_DIR } = await import('./backup/backup.js');
        const dir = resolve(options.cwd ?? process.cwd(), wanted.dir ?? DEFAULT_BACKUP_DIR);
        options.logger?.info(`Backing up before migrating (to ${dir}) ...`);
        backup = await writeBackup(
          session!,
          sessionTarget(options, () => config().database),
          head,
          dir,
        );
        options.logger?.info(
          `Backed up to ${backup.file} (${(backup.bytes / 1e6).toFixed(1)} MB in ${backup.durationMs} ms). To restore it: ${backup.restore}`,
        );
      }
    : undefined;
  let session: DbSession | undefined;
  const result = await withRunner(
    options,
    (ctx) => {
      session = ctx.session;
      return upgrade(ctx, {
        to: options.to,
        allowOutOfOrder: options.allowOutOfOrder,
        resume: options.resume,
        holdContracts: options.contract !== true,
      });
    },
    beforeChanges,
  );
  return backup ? { ...result, backup } : result;
}

/**
 * Puts a database back as a backup (`migrate({ backup: true })`, `upgrade --backup`) found it: a
 * server's every schema is dropped and the pg_dump archive restored with pg_restore in one
 * transaction; the embedded database's data directory is replaced (the old one moved aside).
 *
 * @example await restore('.smartem-db/backups/smartem-001_baseline-20261122T101500Z.dump', { url: process.env.DATABASE_URL });
 */
export async function restore(file: string, options: CommonOptions = {}): Promise<Restored> {
  const config = configOf(options);
  const { restoreBackup } = await import('./backup/restore.js');
  const target = sessionTarget(options, () => config().database);
  return restoreBackup(target, resolve(options.cwd ?? process.cwd(), file), () =>
    openSession(options, () => config().database),
  );
}

/**
 * Runs down.sql of applied migrations, newest first, each in its own transaction.
 *
 * @example await rollback({ steps: 1 }); await rollback({ to: '003' }); await rollback('base');
 */
export async function rollback(target: RollbackTarget, options: RollbackOptions = {}): Promise<RunResult> {
  return withRunner(options, (ctx) => downgrade(ctx, target, options));
}

/**
 * Records that exactly the migrations up to `to` are applied, without running them (`base`
 * clears the journal). An existing SmartEM database adopts smartem-db with `stamp('001')`.
 *
 * @example await stamp('001', { url: process.env.DATABASE_URL });
 */
export async function stamp(to: string, options: CommonOptions = {}): Promise<RunResult> {
  return withRunner(options, (ctx) => stampJournal(ctx, to));
}

/**
 * Lists every migration as applied, pending, failed or missing, with times, and the problems
 * with what to do about them. Reads only.
 *
 * @example const { head, pending, problems } = await status();
 */
export async function status(options: CommonOptions = {}): Promise<StatusReport> {
  return withRunner(options, (ctx) => readStatus(ctx.session, ctx.folder, ctx.journal));
}

/**
 * The SQL an upgrade or downgrade would run, without running it (Alembic's `--sql`), planned
 * exactly as migrate() and rollback() plan. With `from` it needs no database at all.
 *
 * @example console.log(await offlineSql({ direction: 'up', from: 'base' }));
 */
export async function offlineSql(options: OfflineSqlOptions): Promise<string> {
  const config = configOf(options);
  const folder = openMigrationsFolder(options, config, { requireMigrations: true });
  const ref = journalOf(options);
  const rows =
    options.from !== undefined ? assumedJournal(folder, options.from) : await readJournalOnce(options, config, ref);
  const lockTimeoutMs = options.lockTimeoutMs ?? config().lockTimeoutMs;
  if (options.direction === 'up') {
    const to = resolveUpgradeTarget(folder.migrations, appliedIds(rows), options.to);
    const plan = planUpgrade(folder.migrations, rows, ref, folder.shown, { to, holdContracts: !options.contract });
    return renderOfflineSql(
      plan.pending.map((p) => p.migration),
      'up',
      ref,
      lockTimeoutMs,
    );
  }
  const revert = pickRevert(folder.migrations, appliedInOrder(folder.migrations, rows), options.target);
  return renderOfflineSql(revert, 'down', ref, lockTimeoutMs);
}

/** A journal as if the migrations up to `from` had been applied. */
function assumedJournal(folder: MigrationsFolder, from: string): JournalRow[] {
  const last = resolveMigration(folder.migrations, from);
  return folder.migrations
    .filter((m) => last !== null && m.number <= last.number)
    .map((m) => ({
      id: m.id,
      checksum: m.checksum,
      status: 'applied',
      appliedAt: new Date(0),
      executionMs: null,
      statementsDone: 0,
      statementsTotal: 0,
      error: null,
      stamped: true,
      direction: 'up',
      doneChecksum: null,
      note: null,
    }));
}

async function readJournalOnce(
  options: ConnectionOptions,
  config: () => SmartemDbConfig,
  ref: JournalRef,
): Promise<JournalRow[]> {
  const session = await openSession(options, () => config().database);
  try {
    return (await readJournal(session, ref)) ?? [];
  } finally {
    await session.close();
  }
}

/**
 * Rewrites the migrations folder's checksum manifest (`smartem.sum`) after a migration was
 * added or reviewed; returns the manifest's path.
 */
export function hash(options: Pick<CommonOptions, 'migrationsFolder' | 'cwd' | 'env'> = {}): string {
  const config = configOf(options);
  openMigrationsFolder(options, config, { verify: false });
  const folder = migrationsFolderOf(options, config);
  const release = lockFolder(folder, `The migrations folder ${folder}`);
  try {
    return rehashMigrationsFolder(folder);
  } finally {
    release();
  }
}

export { adopt, rebase, doctor, seed, inspect } from './api-database.js';
export { generate, diff, erd, check, verify, lint } from './api-development.js';
