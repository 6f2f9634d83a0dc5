import { resolve } from 'node:path';
import { loadConfig, type SmartemDbConfig } from './config/config.js';
import { openSession, type ConnectionOptions } from './db/open-session.js';
import type { DbSession } from './db/session.js';
import { DEFAULT_JOURNAL, readJournal, type JournalRef, type JournalRow } from './migrations/journal.js';
import type { Logger } from './migrations/logger.js';
import { readMigrationsFolder, rehashMigrationsFolder, type MigrationsFolder, type ReadFolderOptions } from './migrations/migration-folder.js';
import { SmartemDbError } from './errors.js';
import { DEVELOPER_TOOLS, importOptional } from './optional-dependency.js';
import { renderOfflineSql } from './migrations/offline-sql.js';
import { appliedIds, appliedInOrder, downgrade, stamp as stampJournal, upgrade, type RollbackSafety, type RunResult, type RunnerContext } from './migrations/runner.js';
import { readStatus, type StatusReport } from './migrations/status.js';
import { pickRevert, resolveMigration, resolveUpgradeTarget } from './migrations/targets.js';
import type { CheckOptions, DiffOptions, GenerateOptions, LintOptions, VerifyOptions } from './generate-api.js';
import type { LintReport } from './lint/lint-migrations.js';
import type { CheckReport } from './check/check.js';
import type { VerifyReport } from './check/verify.js';
import type { GenerateResult } from './generate/generate.js';
import type { Op } from './ops/op.js';
import type { Catalog } from './catalog/catalog.js';
import type { Hazard } from './render/render-op.js';
import { planUpgrade } from './migrations/upgrade-plan.js';

export interface CommonOptions extends ConnectionOptions {
  /** The migrations folder (default: `SMARTEM_DB_MIGRATIONS` or `./drizzle`). */
  migrationsFolder?: string | undefined;
  /** Where the journal table lives (default `smartem_db.migrations`). */
  journal?: Partial<JournalRef> | undefined;
  /** lock_timeout for each migration's statements, in ms (default 10000; 0 = wait forever). */
  lockTimeoutMs?: number | undefined;
  /** Receives progress and notices; nothing is printed without one. */
  logger?: Logger | undefined;
  /** Where configuration (env files) is read from (default: the working directory). */
  cwd?: string | undefined;
  /** The environment to read configuration from (default: process.env). */
  env?: NodeJS.ProcessEnv | undefined;
}

export interface MigrateOptions extends CommonOptions {
  /** Apply up to and including this migration (id, number, unique prefix, or `+N`). */
  to?: string | undefined;
  /** Apply a pending migration even though a later one is already applied. */
  allowOutOfOrder?: boolean | undefined;
  /** Re-run a no-transaction migration that failed midway, from the failed statement. */
  resume?: boolean | undefined;
}

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
  return withRunner(options, (ctx) =>
    upgrade(ctx, { to: options.to, allowOutOfOrder: options.allowOutOfOrder, resume: options.resume }),
  );
}

/** A rollback target: the last N migrations, back to (keeping) a migration, or everything. */
export type RollbackTarget = { steps: number } | { to: string } | 'base';

/**
 * Runs down.sql of applied migrations, newest first, each in its own transaction.
 *
 * @example await rollback({ steps: 1 }); await rollback({ to: '003' }); await rollback('base');
 */
export async function rollback(target: RollbackTarget, options: RollbackOptions = {}): Promise<RunResult> {
  return withRunner(options, (ctx) => downgrade(ctx, target === 'base' ? { to: 'base' } : target, options));
}

export interface RollbackOptions extends CommonOptions, RollbackSafety {}

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

export type OfflineSqlOptions = CommonOptions & {
  /** Where the database is assumed to be (a migration ref or `base`), instead of reading its journal. */
  from?: string | undefined;
} & (
    | { direction: 'up'; /** Last migration to include (ref or `+N`); all pending when omitted. */ to?: string | undefined }
    | { direction: 'down'; target: RollbackTarget }
  );

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
  const rows = options.from !== undefined ? assumedJournal(folder, options.from) : await readJournalOnce(options, config, ref);
  const lockTimeoutMs = options.lockTimeoutMs ?? config().lockTimeoutMs;
  if (options.direction === 'up') {
    const to = resolveUpgradeTarget(folder.migrations, appliedIds(rows), options.to);
    const plan = planUpgrade(folder.migrations, rows, ref, folder.shown, { to });
    return renderOfflineSql(
      plan.pending.map((p) => p.migration),
      'up',
      ref,
      lockTimeoutMs,
    );
  }
  const target = options.target === 'base' ? { to: 'base' } : options.target;
  const revert = pickRevert(folder.migrations, appliedInOrder(folder.migrations, rows), target);
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

async function readJournalOnce(options: ConnectionOptions, config: () => SmartemDbConfig, ref: JournalRef): Promise<JournalRow[]> {
  const session = await openSession(options, () => config().database);
  try {
    return (await readJournal(session, ref)) ?? [];
  } finally {
    await session.close();
  }
}

export type { GenerateOptions, DiffOptions, CheckOptions, LintOptions, VerifyOptions } from './generate-api.js';

/**
 * Writes the next migration (up.sql and down.sql) from the difference between the migrations
 * folder and the Drizzle model, proved on a scratch database before it is written. Returns
 * `id: null` and writes nothing when there is no difference. (Loaded on first use: migrate()
 * at application startup never pays for drizzle-kit.)
 *
 * @example const { id, hazards } = await generate({ name: 'add gridsquare registered status' });
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  return (await developerTools('generate')).generate(options);
}

/**
 * The SQL that turns one state into another, printed rather than written: any pair of the
 * migrations folder, the Drizzle model and live databases.
 *
 * @example console.log((await diff({ from: 'migrations', to: process.env.DATABASE_URL! })).sql);
 */
export async function diff(options: DiffOptions): Promise<{ sql: string; ops: Op[]; hazards: Hazard[] }> {
  return (await developerTools('diff')).diff(options);
}

/**
 * CI's drift check, two questions: (1) do the migrations produce the Drizzle model (else "run
 * npm run db:generate")? (2) for a live database (`db`, or the configured server): are its
 * migrations pending, unknown, failed or edited, and has its catalog drifted from what they
 * produce? Each difference names the object, what it is and what it should be.
 *
 * @example const report = await check({ db: process.env.DATABASE_URL }); if (!report.model.ok) process.exit(6);
 */
export async function check(options: CheckOptions = {}): Promise<CheckReport> {
  return (await developerTools('check')).check(options);
}

/**
 * The migration tests pytest-alembic users write, built in: one linear history, a matching
 * manifest, a down for every migration, and the stairway round trip on a scratch database.
 *
 * @example const report = await verify(); if (!report.ok) console.log(report.problems, report.stairway);
 */
export async function verify(options: VerifyOptions = {}): Promise<VerifyReport> {
  return (await developerTools('verify')).verify(options);
}

/**
 * The hazard lint: every statement of the migrations not yet applied (to `db`, or the configured
 * server; all with `all`) is parsed with PostgreSQL's parser and classified: data loss, table
 * rewrite, blocking lock, breaking rename. Each hazard fails unless a
 * `-- smartem-db:allow <kind>: <reason>` comment above its statement acknowledges it.
 *
 * @example const { ok, findings } = await lint({ all: true });
 */
export async function lint(options: LintOptions = {}): Promise<LintReport> {
  return (await developerTools('lint')).lint(options);
}

/**
 * Reads the database's schema into smartem-db's model (seven catalog queries, however many
 * tables), leaving out the journal's schema. What `diff` and `generate` compare.
 *
 * @example const model = await inspect({ url: process.env.DATABASE_URL });
 */
export async function inspect(options: CommonOptions = {}): Promise<Catalog> {
  const config = configOf(options);
  const session = await openSession(options, () => config().database);
  try {
    const { introspect } = await import('./catalog/introspect.js');
    return await introspect(session, { excludeSchemas: [journalOf(options).schema] });
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
  return rehashMigrationsFolder(migrationsFolderOf(options, config));
}

/** The developer tools, loaded on first use: migrate() at application startup never pays for them. */
function developerTools(verb: string) {
  return importOptional(() => import('./generate-api.js'), DEVELOPER_TOOLS, `smartem-db ${verb}`);
}

async function withRunner<T>(options: CommonOptions, work: (ctx: RunnerContext) => Promise<T>): Promise<T> {
  const config = configOf(options);
  // The manifest is checked by the runner before anything runs, not on the no-op path.
  const folder: MigrationsFolder = openMigrationsFolder(options, config, { verify: false, requireMigrations: true });
  const session: DbSession = await openSession(options, () => config().database, (embedded) =>
    options.logger?.info(
      `No database configured (DATABASE_URL or POSTGRES_*): using the ${embedded.label}.`,
    ),
  );
  try {
    return await work({
      session,
      folder,
      journal: journalOf(options),
      // Read only when a migration runs, so the no-op path does not read env files for it.
      get lockTimeoutMs() {
        return options.lockTimeoutMs ?? config().lockTimeoutMs;
      },
      logger: options.logger,
    });
  } finally {
    await session.close();
  }
}

/** Configuration is read at most once per call, and only when an option leaves something open. */
export function configOf(options: Pick<CommonOptions, 'cwd' | 'env'>): () => SmartemDbConfig {
  let config: SmartemDbConfig | undefined;
  return () => (config ??= loadConfig({ cwd: options.cwd, env: options.env }));
}

export function migrationsFolderOf(options: Pick<CommonOptions, 'migrationsFolder' | 'cwd'>, config: () => SmartemDbConfig): string {
  return options.migrationsFolder ? resolve(options.cwd ?? process.cwd(), options.migrationsFolder) : config().migrationsFolder;
}

/** Where the migrations folder came from, for messages. */
export function migrationsFolderSourceOf(options: Pick<CommonOptions, 'migrationsFolder'>, config: () => SmartemDbConfig): string {
  return options.migrationsFolder ? 'the migrationsFolder option (--migrations)' : config().migrationsFolderSource;
}

/**
 * Reads the migrations folder the options name; `requireMigrations` (the runner's commands) makes
 * a folder without any migration an error that says where it looked.
 */
export function openMigrationsFolder(
  options: Pick<CommonOptions, 'migrationsFolder' | 'cwd'>,
  config: () => SmartemDbConfig,
  read: ReadFolderOptions & { requireMigrations?: boolean } = {},
): MigrationsFolder {
  const source = migrationsFolderSourceOf(options, config);
  const folder = readMigrationsFolder(migrationsFolderOf(options, config), { ...read, source });
  if (read.requireMigrations && folder.migrations.length === 0) {
    throw new SmartemDbError(
      'CONFIG_INVALID',
      `The migrations folder ${folder.folder} (from ${source}) has no migrations: nothing to apply, roll back or report. ` +
        'Check the path; a migration is a folder YYYY_MM_DD_HHMM-NNN_description/ with up.sql (and down.sql).',
    );
  }
  return folder;
}

export function journalOf(options: Pick<CommonOptions, 'journal'>): JournalRef {
  return { ...DEFAULT_JOURNAL, ...options.journal };
}
