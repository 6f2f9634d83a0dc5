// The runtime API: what an application calls (migrate at startup) and the runner's verbs. The
// developer tools (generate, diff, check, verify, lint) load on first use from developer-tools.ts.
import type { SmartemDbConfig } from './config/config.js';
import { openSession, sessionTarget, type ConnectionOptions } from './db/open-session.js';
import { lockFolder, lockFolderWaiting } from './db/directory-lock.js';
import type { Backup } from './backup/backup.js';
import type { Restored } from './backup/restore.js';
import { resolve } from 'node:path';
import type { DbSession } from './db/session.js';
import { appliedIds, readJournal, type JournalRef, type JournalRow } from './migrations/journal.js';
import { rehashMigrationsFolder, type MigrationsFolder } from './migrations/migration-folder.js';
import { DEVELOPER_TOOLS, importOptional } from './optional-dependency.js';
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
import type { AdoptReport } from './adopt/adopt.js';
import type { RebaseReport } from './rebase/rebase.js';
import type { DoctorReport } from './doctor/doctor.js';
import type { SeedReport } from './seed/seed.js';
import { bundledSeedsFolder } from './config/package-root.js';
import { SmartemDbError } from './errors.js';
import { DEFAULT_LOCK_RETRY } from './migrations/lock-retry.js';
import { existsSync } from 'node:fs';
import {
  configOf,
  scratchTargetOf,
  type AdoptOptions,
  type DoctorOptions,
  type RebaseOptions,
  type SeedOptions,
  journalOf,
  migrationsFolderOf,
  openMigrationsFolder,
  type CheckOptions,
  type CommonOptions,
  type DiffOptions,
  type DiffResult,
  type GenerateOptions,
  type LintOptions,
  type MigrateOptions,
  type OfflineSqlOptions,
  type RollbackOptions,
  type RollbackTarget,
  type VerifyOptions,
} from './options.js';
import type { LintReport } from './lint/lint-migrations.js';
import type { CheckReport } from './check/check.js';
import type { VerifyReport } from './check/verify.js';
import type { GenerateResult } from './generate/generate.js';
import type { Catalog } from './catalog/catalog.js';
import { planUpgrade } from './migrations/upgrade-plan.js';

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
      return upgrade(ctx, { to: options.to, allowOutOfOrder: options.allowOutOfOrder, resume: options.resume });
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
 * Moves a database built by SmartEM's Alembic chain over to smartem-db: where Alembic left it, and
 * whether its schema is exactly the baseline's. Identical: the baseline is recorded as applied and
 * alembic_version dropped, in one transaction. Otherwise every difference is named with the SQL
 * that catches it up, which `apply: true` runs after proving it on a scratch copy (refusing data
 * loss unless `allowDataLoss`). Run twice, or on a database without alembic_version, it changes nothing.
 *
 * @example const report = await adopt({ url: process.env.DATABASE_URL }); console.log(report.message);
 */
export async function adopt(options: AdoptOptions = {}): Promise<AdoptReport> {
  const config = configOf(options);
  const { adoptFromAlembic } = await importOptional(
    () => import('./adopt/adopt.js'),
    ['libpg-query'],
    'smartem-db adopt',
  );
  return withRunner(options, (ctx) =>
    adoptFromAlembic({
      ctx,
      scratch: scratchTargetOf(options, config),
      apply: options.apply,
      allowDataLoss: options.allowDataLoss,
    }),
  );
}

/**
 * After merging a branch that also added migrations: numbers this branch's migrations after the
 * other's, rewrites their parents and the manifest, and proves each moved one on top of the new
 * history (Alembic's merge, kept linear). Refuses to move a migration the configured database has
 * applied.
 *
 * @example const { moved } = await rebase({ onto: 'origin/main' });
 */
export async function rebase(options: RebaseOptions = {}): Promise<RebaseReport> {
  const config = configOf(options);
  const { rebaseMigrations } = await import('./rebase/rebase.js');
  const folder = migrationsFolderOf(options, config);
  const release = await lockFolderWaiting(folder, `The migrations folder ${folder}`, {
    onWait: (m) => options.logger?.warn(m),
  });
  try {
    return await rebaseMigrations({
      folder,
      onto: options.onto,
      journal: journalOf(options),
      scratch: scratchTargetOf(options, config),
      logger: options.logger,
      appliedSomewhere: async (ids) => {
        let target;
        try {
          target = sessionTarget(options, () => config().database);
        } catch {
          return undefined; // no database configured: nothing to ask
        }
        if (target.kind === 'embedded' && !existsSync(target.dataDir)) return undefined;
        const session = await openSession(options, () => config().database);
        try {
          const rows = (await readJournal(session, journalOf(options))) ?? [];
          const hit = ids.filter((id) => rows.some((r) => r.id === id));
          return hit.length > 0 ? { database: session.label, ids: hit } : undefined;
        } finally {
          await session.close();
        }
      },
    });
  } finally {
    release();
  }
}

/**
 * The database's health, errors first, one finding per check and level with the objects it concerns,
 * what to do and, where the fix is a schema change, the model edit: indexes (invalid, redundant,
 * unused once the statistics are old enough), foreign keys without an index, sequences, vacuum and
 * analyze, estimated bloat, wraparound, the cache hit ratio, connections, replication and slots, what
 * would block a migration now, the timeouts, the journal and drift, the slowest statements; and the
 * tables by size. `ok` is false when any finding is an error; `thresholds` moves any limit.
 *
 * @example const { ok, findings } = await doctor({ url: process.env.DATABASE_URL });
 */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const config = configOf(options);
  const { runDoctor } = await import('./doctor/doctor.js');
  return withRunner(options, (ctx) =>
    runDoctor({
      ctx,
      scratch: options.drift === false ? undefined : scratchTargetOf(options, config),
      thresholds: options.thresholds,
    }),
  );
}

/**
 * Loads development data: the seed modules (reference data, typed against the Drizzle model,
 * idempotent) and, with `demo`, a realistic SmartEM session loaded with COPY (acquisitions, grids,
 * hundreds of gridsquares per grid, foil holes, micrographs, atlas and tiles, predictions),
 * deterministic for its seed. All in one transaction. Refused under NODE_ENV=production unless `force`.
 *
 * @example await seed({ url, demo: { scale: 42 } }); // about two million micrographs
 */
export async function seed(options: SeedOptions = {}): Promise<SeedReport> {
  const config = configOf(options);
  if (config().production && !options.force) {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      'NODE_ENV is production: smartem-db does not seed a production database. If this database really is for development, pass force (--force).',
    );
  }
  const { runSeeds } = await import('./seed/seed.js');
  const { demoShape } = await import('./seed/demo-session.js');
  const demo = options.demo
    ? { ...demoShape(options.demo.scale ?? 1, options.demo.seed ?? 1), ...options.demo.shape }
    : undefined;
  return withRunner(options, (ctx) =>
    runSeeds({
      session: ctx.session,
      seedsDir: options.seeds ? resolve(options.cwd ?? process.cwd(), options.seeds) : bundledSeedsFolder(),
      demo,
      logger: options.logger,
    }),
  );
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
    const plan = planUpgrade(folder.migrations, rows, ref, folder.shown, { to });
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
export async function diff(options: DiffOptions): Promise<DiffResult> {
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
 * Reads the database's schema into smartem-db's model (nine catalog queries, however many
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
  const folder = migrationsFolderOf(options, config);
  const release = lockFolder(folder, `The migrations folder ${folder}`);
  try {
    return rehashMigrationsFolder(folder);
  } finally {
    release();
  }
}

/** The developer tools, loaded on first use: migrate() at application startup never pays for them. */
function developerTools(verb: string) {
  return importOptional(() => import('./developer-tools.js'), DEVELOPER_TOOLS, `smartem-db ${verb}`);
}

async function withRunner<T>(
  options: CommonOptions,
  work: (ctx: RunnerContext) => Promise<T>,
  beforeChanges?: RunnerContext['beforeChanges'],
): Promise<T> {
  const config = configOf(options);
  // The manifest is checked by the runner before anything runs, not on the no-op path.
  const folder: MigrationsFolder = openMigrationsFolder(options, config, { verify: false, requireMigrations: true });
  const session: DbSession = await openSession(
    options,
    () => config().database,
    (embedded) =>
      options.logger?.info(`No database configured (DATABASE_URL or POSTGRES_*): using the ${embedded.label}.`),
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
      get lockRetry() {
        return { ...DEFAULT_LOCK_RETRY, retries: options.lockRetries ?? config().lockRetries };
      },
      logger: options.logger,
      beforeChanges,
    });
  } finally {
    await session.close();
  }
}

export type {
  AdoptOptions,
  DoctorOptions,
  SeedOptions,
  RebaseOptions,
  CheckOptions,
  CommonOptions,
  DiffOptions,
  DiffResult,
  GenerateOptions,
  LintOptions,
  MigrateOptions,
  OfflineSqlOptions,
  RollbackOptions,
  RollbackTarget,
  VerifyOptions,
};
