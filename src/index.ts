// smartem-db's public API. The CLI (src/cli) is a thin layer over these functions.
export { migrate, rollback, stamp, status, offlineSql, hash, generate, diff, inspect } from './api.js';
export type { CommonOptions, MigrateOptions, OfflineSqlOptions, RollbackTarget, GenerateOptions, DiffOptions } from './api.js';
export type { GenerateResult } from './generate/generate.js';
export type { Hazard, HazardKind } from './render/render-op.js';
export type { Op } from './ops/op.js';
export type { Model } from './model/model.js';
export type { ConnectionOptions } from './db/open-session.js';
export type { RunResult, AppliedMigration } from './migrations/runner.js';
export type { StatusReport, MigrationStatus, MigrationState } from './migrations/status.js';
export type { Logger } from './migrations/logger.js';
export type { JournalRef } from './migrations/journal.js';
export { loadConfig, type SmartemDbConfig, type DatabaseTarget } from './config/config.js';
export { SmartemDbError, MigrationFailedError, type ErrorCode } from './errors.js';
export { redactUrl } from './db/redact.js';
export { formatMigrationName, parseMigrationName } from './migrations/migration-name.js';
export { renderHeader } from './migrations/migration-header.js';
export { readMigrationsFolder, type Migration, type MigrationsFolder } from './migrations/migration-folder.js';
