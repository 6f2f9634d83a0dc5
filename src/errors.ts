/**
 * Every error smartem-db raises on purpose is a SmartemDbError with a stable `code` (for scripts and
 * the CLI's exit codes) and a message that names the file, migration or object at fault and says
 * what to do. Messages never contain a password: connection strings pass through redactUrl().
 */
export class SmartemDbError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SmartemDbError';
  }
}

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONNECTION_FAILED'
  | 'MIGRATIONS_FOLDER_INVALID'
  | 'MANIFEST_MISMATCH'
  | 'CHECKSUM_MISMATCH'
  | 'APPLIED_MIGRATION_MISSING'
  | 'OUT_OF_ORDER'
  | 'MIGRATION_FAILED'
  | 'PREVIOUS_MIGRATION_FAILED'
  | 'UNKNOWN_TARGET'
  | 'NO_DOWN_MIGRATION'
  | 'SCRATCH_FAILED'
  | 'SCHEMA_LOAD_FAILED'
  | 'DATA_LOSS_REFUSED'
  | 'LOCK_REFUSED'
  | 'PROOF_FAILED'
  /** The model asks for something smartem-db cannot write a migration for (it says what, and how to write it by hand). */
  | 'UNSUPPORTED_CHANGE'
  | 'NOT_AT_HEAD'
  | 'DRIFTED'
  | 'BAD_HINT'
  | 'INVALID_ARGUMENT'
  | 'JOURNAL_INVALID'
  | 'MISSING_DEPENDENCY'
  | 'BACKUP_FAILED'
  | 'DATABASE_BUSY'
  | 'FOLDER_BUSY'
  | 'PERMISSION_DENIED'
  | 'READ_ONLY_DATABASE'
  | 'TRANSACTION_POOLER'
  | 'UNEXPECTED';

/** Thrown when a statement of a migration fails; the database is as it was before that migration. */
export class MigrationFailedError extends SmartemDbError {
  constructor(
    message: string,
    readonly migration: string,
    readonly file: string,
    readonly statementIndex: number,
    readonly line: number,
    readonly sqlState: string | undefined,
    options?: { cause?: unknown },
  ) {
    super('MIGRATION_FAILED', message, options);
    this.name = 'MigrationFailedError';
  }
}
