// smartem-db's public API: what README shows and nothing more (the CLI in src/cli is a thin layer
// over the same functions). Internals (the migrations folder reader, the differ, the renderer) stay
// internal so that they can change.
export {
  migrate,
  rollback,
  stamp,
  status,
  offlineSql,
  restore,
  adopt,
  rebase,
  doctor,
  seed,
  hash,
  inspect,
  generate,
  diff,
  erd,
  check,
  verify,
  lint,
} from './api.js';
export type {
  AdoptOptions,
  DoctorOptions,
  SeedOptions,
  RebaseOptions,
  CommonOptions,
  MigrateOptions,
  RollbackOptions,
  RollbackTarget,
  OfflineSqlOptions,
  GenerateOptions,
  DiffOptions,
  DiffResult,
  ErdOptions,
  ErdResult,
  CheckOptions,
  VerifyOptions,
  LintOptions,
} from './options.js';
export type { ConnectionOptions } from './db/open-session.js';
export type { RunResult, AppliedMigration } from './migrations/runner.js';
export type { StatusReport, MigrationStatus, MigrationState } from './migrations/status.js';
export type { Logger } from './migrations/logger.js';
export type { JournalRef } from './migrations/journal.js';
export type { GenerateResult } from './generate/generate.js';
export type { AdoptReport } from './adopt/adopt.js';
export type { DoctorReport, DoctorThresholds } from './doctor/doctor.js';
export type { Finding } from './doctor/finding.js';
export type { SeedReport, DemoLoad } from './seed/seed.js';
export { defineSeed, type SeedContext, type SeedModule } from './seed/define-seed.js';
export type { RebaseReport } from './rebase/rebase.js';
export type { Backup } from './backup/backup.js';
export type { Restored } from './backup/restore.js';
export type { CheckReport } from './check/check.js';
export type { VerifyReport, FileProblem } from './check/verify.js';
export type { LintReport, LintFinding } from './lint/lint-migrations.js';
export type { Hazard, HazardKind } from './hazards/hazard.js';
export type { Op } from './ops/op.js';
export type { Catalog } from './catalog/catalog.js';
export { bundledMigrationsFolder } from './config/package-root.js';
export { loadConfig, type SmartemDbConfig } from './config/config.js';
export type { DatabaseTarget } from './db/database-target.js';
export { SmartemDbError, MigrationFailedError, type ErrorCode } from './errors.js';
export { redactUrl } from './db/redact.js';
import type { Studio, StudioOptions } from './studio/studio-server.js';
export type { Studio, StudioOptions };

/**
 * Serves the studio: a local, read-only page of the database (see `smartem-db studio`). Loaded on
 * first use, like the developer tools: an application's migrate() never pays for the web server.
 *
 * @example const studio = await startStudio({ url: process.env.DATABASE_URL }); console.log(studio.url);
 */
export async function startStudio(options: StudioOptions = {}): Promise<Studio> {
  return (await import('./studio/studio-server.js')).startStudio(options);
}
