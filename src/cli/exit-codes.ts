import type { ErrorCode } from '../errors.js';

/** The CLI's exit codes, documented in README.md; scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** A migration failed, or an earlier one is still marked failed. */
  migrationFailed: 1,
  /** Bad command line, bad configuration, or an unknown migration id. */
  usage: 2,
  /** The folder and the database disagree: edited, missing, out-of-order migrations, manifest. */
  integrity: 3,
  /** The database could not be reached or refused the login, or no scratch database could be made. */
  connection: 4,
  /** generate refused: unacknowledged data loss, a change it cannot make, or a failed proof. */
  refused: 5,
  /** check: the migrations do not produce the Drizzle model (or the folder is inconsistent). */
  modelDrift: 6,
  /** check: the live database has pending, unknown, failed or edited migrations, or drifted. */
  databaseDrift: 7,
  /** verify: the history, a down, or a migration's round trip is broken. */
  verifyFailed: 8,
  /** lint: a hazard without an acknowledging directive, or a statement the parser rejects. */
  lintFailed: 9,
  /** Something smartem-db did not expect (a bug): the message says what; please report it. */
  unexpected: 10,
  /** doctor: a finding is an error (an invalid index, a sequence near its end, drift, a failed migration). */
  doctorFoundErrors: 11,
} as const;

/** What each exit code means, as --help and docs/cli.md say it. */
export const EXIT_MEANINGS: Record<(typeof EXIT)[keyof typeof EXIT], string> = {
  0: 'ok',
  1: 'a migration failed, or an earlier one is still marked failed',
  2: 'bad usage or configuration (a malformed URL, a missing or empty migrations folder, an invalid hints file or drizzle.config), or an unknown migration',
  3: "the folder and the database disagree (an applied migration edited or missing, an out-of-order migration, a manifest mismatch, a malformed migration file, a table in the journal's place that is not a journal)",
  4: 'cannot connect, cannot create a scratch database, a role lacks a grant (the message names it), or the migrations folder stays busy with another command',
  5: 'generate refused: unacknowledged data loss, a change it cannot make, or the proof failed',
  6: 'check: the migrations do not produce the model',
  7: 'check: the database is behind, edited or drifted',
  8: 'verify failed',
  9: 'lint found an unacknowledged hazard',
  10: 'an unexpected error (a bug: please report it)',
  11: 'doctor found an error',
};

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'MIGRATION_FAILED':
    case 'PREVIOUS_MIGRATION_FAILED':
    case 'BACKUP_FAILED':
      return EXIT.migrationFailed;
    case 'CONFIG_INVALID':
    case 'UNKNOWN_TARGET':
    case 'SCHEMA_LOAD_FAILED':
    case 'BAD_HINT':
    case 'INVALID_ARGUMENT':
    case 'MISSING_DEPENDENCY':
    case 'READ_ONLY_DATABASE':
    case 'TRANSACTION_POOLER':
      return EXIT.usage;
    case 'CONNECTION_FAILED':
    case 'DATABASE_BUSY':
    case 'FOLDER_BUSY':
    case 'PERMISSION_DENIED':
    case 'SCRATCH_FAILED':
      return EXIT.connection;
    case 'DATA_LOSS_REFUSED':
    case 'LOCK_REFUSED':
    case 'PROOF_FAILED':
    case 'UNSUPPORTED_CHANGE':
      return EXIT.refused;
    case 'MIGRATIONS_FOLDER_INVALID':
    case 'MANIFEST_MISMATCH':
    case 'CHECKSUM_MISMATCH':
    case 'APPLIED_MIGRATION_MISSING':
    case 'OUT_OF_ORDER':
    case 'NO_DOWN_MIGRATION':
    case 'NOT_AT_HEAD':
    case 'DRIFTED':
    case 'JOURNAL_INVALID':
      return EXIT.integrity;
    case 'UNEXPECTED':
      return EXIT.unexpected;
  }
}
