// Every option the API takes, and how an option left open is resolved (configuration, defaults).
// Below both the runtime API (api.ts) and the developer tools (developer-tools.ts), which both
// import it, so that neither imports the other.
import { join, resolve } from 'node:path';
import { PROJECT_STATE_DIR } from './files/project-store.js';
import { scratchTemplateName } from './db/pglite-session.js';
import { loadConfig, type SmartemDbConfig } from './config/config.js';
import type { ConnectionOptions } from './db/open-session.js';
import { SmartemDbError } from './errors.js';
import { DEFAULT_JOURNAL, type JournalRef } from './migrations/journal.js';
import type { Logger } from './migrations/logger.js';
import { readMigrationsFolder, type MigrationsFolder, type ReadFolderOptions } from './migrations/migration-folder.js';
import type { RollbackSafety } from './migrations/runner.js';
import type { DoctorThresholds } from './doctor/doctor.js';
import type { RollbackTarget } from './migrations/targets.js';
import type { Op } from './ops/op.js';
import type { Hazard } from './hazards/hazard.js';
import type { ScratchTarget } from './scratch/scratch-databases.js';
import type { DemoShape } from './seed/demo-session.js';

export type { RollbackTarget };

export interface CommonOptions extends ConnectionOptions {
  /** The migrations folder (default: `SMARTEM_DB_MIGRATIONS` or `./drizzle`). */
  migrationsFolder?: string | undefined;
  /** Where the journal table lives (default `smartem_db.migrations`). */
  journal?: Partial<JournalRef> | undefined;
  /** lock_timeout for each migration's statements, in ms (default 2000; 0 = wait forever). */
  lockTimeoutMs?: number | undefined;
  /**
   * How often a migration statement (or a transactional migration, as a whole) that timed out on
   * its lock is tried again, with growing waits and jitter in between (default 5; 0: fail at once).
   */
  lockRetries?: number | undefined;
  /**
   * A backfill waits between its batches to keep every standby this primary streams to within this
   * many ms of it (default 1000): until each has replayed what was committed half of it ago. It
   * says so in its progress.
   */
  maxReplicaLagMs?: number | undefined;
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
  /**
   * Apply contract migrations too (`-- contracts: <expand>`): they drop what the application's
   * previous version uses, so without this the run stops before the first one and says so in
   * `contractWaiting`. Ask for it once no instance of the previous version runs.
   */
  contract?: boolean | undefined;
  /**
   * Before anything runs, and only when something will: pg_dump the database (custom format), or
   * copy the embedded one's data directory, into `dir` (default `.smartem-db/backups`).
   */
  backup?: boolean | { dir?: string | undefined } | undefined;
}

export interface RollbackOptions extends CommonOptions, RollbackSafety {}

export type OfflineSqlOptions = CommonOptions & {
  /** Where the database is assumed to be (a migration ref or `base`), instead of reading its journal. */
  from?: string | undefined;
} & (
    | {
        direction: 'up';
        /** Last migration to include (ref or `+N`); all pending when omitted. */ to?: string | undefined;
        /** Include contract migrations (held back otherwise, as migrate() holds them). */ contract?:
          boolean | undefined;
      }
    | { direction: 'down'; target: RollbackTarget }
  );

export interface GenerateOptions extends CommonOptions {
  /** What the migration does, for its folder name (`-m` on the command line). */
  name: string;
  /** The Drizzle model module (default: the SmartEM model bundled with the package). */
  schema?: string | undefined;
  /** Diff against this live database (which must be at the head migration) instead of replaying the folder. */
  fromDb?: string | undefined;
  /** Column renames, `table.old=new`. */
  renames?: string[] | undefined;
  /** Table renames, `old=new`. */
  renameTables?: string[] | undefined;
  /** A JSON hints file with renames and acknowledged data loss (for CI). */
  hintsFile?: string | undefined;
  /** Acknowledge every data loss in this migration. */
  allowDataLoss?: boolean | undefined;
  /**
   * The online forms for tables that exist (the default): indexes CONCURRENTLY, constraints NOT
   * VALID then validated, unique keys over a concurrent index, NOT NULL without a scan, volatile
   * defaults backfilled in batches; such a migration runs without a transaction. `false` is the
   * same as `plain` without a reason, which generate refuses where a lock or rewrite remains.
   */
  online?: boolean | undefined;
  /**
   * Write the plain, transactional form instead, and acknowledge the locks and rewrites it takes
   * with this reason (written above each such statement for the lint).
   */
  plain?: string | undefined;
  /**
   * Write a column rename, or a type change that rewrites the table, as two migrations: an expand
   * (the new column beside the old, kept equal by a trigger, backfilled in batches, its indexes
   * and constraints built online), which migrate() applies, and its contract (the old column and
   * the trigger dropped), which runs only when asked (`upgrade --contract`), after the rollout.
   * Unset, it is the default with `fromDb` for a table over 10,000 rows there.
   */
  expandContract?: boolean | undefined;
  /** Write an empty up/down pair for a hand-written (data) migration, without diffing. */
  empty?: boolean | undefined;
  /** Where scratch databases are made (default: SHADOW_DATABASE_URL, else the configured server, else PGlite). */
  shadowDatabaseUrl?: string | undefined;
  /** Asked about likely renames; the CLI passes a prompt when on a terminal. */
  confirmRename?: ((question: string) => Promise<boolean>) | undefined;
  /**
   * Take the catalogs of the folder and of the model, and the model's statements, from the
   * project's store (`.smartem-db/store`) when they were worked out before from the same inputs
   * (default true; false works them out anew and stores nothing).
   */
  cache?: boolean | undefined;
  /** Measure the phases (result.timings). */
  timings?: boolean | undefined;
  now?: Date | undefined;
}

export interface DiffOptions extends CommonOptions {
  /** `migrations` (the folder replayed), `schema` (the Drizzle model) or a postgres:// URL. */
  from: string;
  to: string;
  /** The SQL back from `to` to `from` instead. */
  down?: boolean | undefined;
  /**
   * From the migrations folder, run the SQL (up, then down) on a scratch database at the folder's
   * state and compare catalogs before printing it, as generate does (default true): SQL PostgreSQL
   * would refuse is never printed. From a live database there is nothing to prove it on.
   */
  prove?: boolean | undefined;
  schema?: string | undefined;
  shadowDatabaseUrl?: string | undefined;
  /** Take catalogs from the project's store when they were worked out before (default true; see GenerateOptions.cache). */
  cache?: boolean | undefined;
}

export interface ErdOptions extends CommonOptions {
  /** The schema to draw: `migrations` (the default: the folder replayed), `schema` (the Drizzle model) or a postgres:// URL. */
  from?: string | undefined;
  /** With `to`, the picture is of what changes from `from` to `to`: added, removed and changed marked. */
  to?: string | undefined;
  /** `svg` (the default; needs @hpcc-js/wasm-graphviz), `mermaid` (text GitHub renders) or `dot` (Graphviz's source). */
  format?: 'svg' | 'mermaid' | 'dot' | undefined;
  schema?: string | undefined;
  shadowDatabaseUrl?: string | undefined;
  /** Take catalogs from the project's store when they were worked out before (default true). */
  cache?: boolean | undefined;
}

export interface ErdResult {
  format: 'svg' | 'mermaid' | 'dot';
  /** The diagram. */
  text: string;
  tables: number;
  /** Each table added, removed or changed, as `added public.grid` (empty for one schema). */
  changes: string[];
}

export interface AdoptOptions extends CommonOptions {
  /** Run the catch-up SQL when the database differs from the baseline (proved on a scratch copy first). */
  apply?: boolean | undefined;
  /** Let the catch-up drop tables or columns that hold rows. */
  allowDataLoss?: boolean | undefined;
  /** Where scratch databases are made (default: SHADOW_DATABASE_URL, else the database's server, else PGlite). */
  shadowDatabaseUrl?: string | undefined;
}

export interface RebaseOptions extends CommonOptions {
  /** The branch whose migrations stay as they are (default: the current branch's upstream, else main). */
  onto?: string | undefined;
  /** Where scratch databases are made for the proof (default: SHADOW_DATABASE_URL, the server, else PGlite). */
  shadowDatabaseUrl?: string | undefined;
}

export interface DoctorOptions extends CommonOptions {
  /** Replay the applied migrations on a scratch database to look for drift (default true). */
  drift?: boolean | undefined;
  /** Where scratch databases are made (default: SHADOW_DATABASE_URL, the server, else PGlite). */
  shadowDatabaseUrl?: string | undefined;
  /** When the doctor calls something a problem (each has a default; see DoctorThresholds). */
  thresholds?: Partial<DoctorThresholds> | undefined;
}

export interface SeedOptions extends CommonOptions {
  /** The folder of seed modules (default: the reference seeds bundled with smartem-db). */
  seeds?: string | undefined;
  /** Also load a realistic demo session: `scale` grids of about 48,000 micrographs each, the same for the same `seed`. */
  demo?: { scale?: number | undefined; seed?: number | undefined; shape?: Partial<DemoShape> | undefined } | undefined;
  /** Seed even though NODE_ENV is production. */
  force?: boolean | undefined;
}

/** What diff() returns: the SQL, the ops it renders, and their hazards. */
export interface DiffResult {
  sql: string;
  ops: Op[];
  hazards: Hazard[];
  /** Whether the SQL ran both ways on a scratch database and gave each side exactly (see DiffOptions.prove). */
  proved: boolean;
}

export interface CheckOptions extends CommonOptions {
  /** The live database for question 2 (default: the configured server, if any). */
  db?: string | undefined;
  /** Only question 1: the migrations against the Drizzle model. */
  modelOnly?: boolean | undefined;
  schema?: string | undefined;
  shadowDatabaseUrl?: string | undefined;
  /** Take catalogs from the project's store when they were worked out before (default true; see GenerateOptions.cache). */
  cache?: boolean | undefined;
}

export interface VerifyOptions extends CommonOptions {
  shadowDatabaseUrl?: string | undefined;
  /** Insert sample rows before each step; a down that changes rows of a table its migration does not touch fails. */
  withData?: boolean | undefined;
}

export interface LintOptions extends CommonOptions {
  /** Lint the migrations not yet applied to this database (default: the configured server's pending ones). */
  db?: string | undefined;
  /** Lint every migration in the folder. */
  all?: boolean | undefined;
  /**
   * With a database: lock and rewrite hazards on tables of at most this many rows pass, and the
   * report says so (default 10000; 0: none pass by size). Data loss never passes by size.
   */
  smallTableRows?: number | undefined;
}

/** Configuration is read at most once per call, and only when an option leaves something open. */
export function configOf(options: Pick<CommonOptions, 'cwd' | 'env'>): () => SmartemDbConfig {
  let config: SmartemDbConfig | undefined;
  return () => (config ??= loadConfig({ cwd: options.cwd, env: options.env }));
}

export function migrationsFolderOf(
  options: Pick<CommonOptions, 'migrationsFolder' | 'cwd'>,
  config: () => SmartemDbConfig,
): string {
  return options.migrationsFolder
    ? resolve(options.cwd ?? process.cwd(), options.migrationsFolder)
    : config().migrationsFolder;
}

/** Where the migrations folder came from, for messages. */
function migrationsFolderSourceOf(
  options: Pick<CommonOptions, 'migrationsFolder'>,
  config: () => SmartemDbConfig,
): string {
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

/** Scratch databases: the given shadow URL, SHADOW_DATABASE_URL, the target server, else PGlite. */
export function scratchTargetOf(
  options: CommonOptions & { shadowDatabaseUrl?: string | undefined },
  config: () => SmartemDbConfig,
): ScratchTarget {
  if (options.shadowDatabaseUrl) return { kind: 'server', url: options.shadowDatabaseUrl, source: 'the shadow option' };
  const shadow = config().shadowDatabaseUrl;
  if (shadow) return { kind: 'server', url: shadow, source: 'SHADOW_DATABASE_URL' };
  if (options.url) return { kind: 'server', url: options.url, source: 'the url option' };
  const target = config().database;
  if (target.kind === 'server') return { kind: 'server', url: target.url, source: target.source };
  // PGlite boots from a kept copy of an empty data directory: the one thing kept per PGlite version.
  const store = join(resolve(options.cwd ?? process.cwd()), PROJECT_STATE_DIR, 'store');
  return { kind: 'embedded', template: join(store, scratchTemplateName()) };
}
