import type { ParseArgsConfig } from 'node:util';

/** The CLI's options (README lists them); parseArgs reads them. */
export const CLI_OPTIONS = {
  url: { type: 'string' },
  'direct-url': { type: 'string' },
  migrations: { type: 'string' },
  'journal-schema': { type: 'string' },
  'journal-table': { type: 'string' },
  'lock-timeout': { type: 'string' },
  config: { type: 'string' },
  sql: { type: 'boolean' },
  from: { type: 'string' },
  'allow-out-of-order': { type: 'boolean' },
  resume: { type: 'boolean' },
  apply: { type: 'boolean' },
  backup: { type: 'boolean' },
  'backup-dir': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  message: { type: 'string', short: 'm' },
  schema: { type: 'string' },
  'from-db': { type: 'string' },
  rename: { type: 'string', multiple: true },
  'rename-table': { type: 'string', multiple: true },
  hints: { type: 'string' },
  'allow-data-loss': { type: 'boolean' },
  online: { type: 'boolean' },
  empty: { type: 'boolean' },
  'no-prompt': { type: 'boolean' },
  'shadow-url': { type: 'string' },
  to: { type: 'string' },
  down: { type: 'boolean' },
  db: { type: 'string' },
  'model-only': { type: 'boolean' },
  all: { type: 'boolean' },
  'with-data': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  embedded: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

type Parsed<T> = {
  [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : T[K] extends { multiple: true } ? string[] : string;
};
export type CliValues = Parsed<typeof CLI_OPTIONS>;
export type OptionName = keyof typeof CLI_OPTIONS;

/** How each option is shown in --help. */
export const OPTION_HELP: Record<OptionName, [string, string]> = {
  url: ['--url <url>', 'Database URL (default: DATABASE_URL, POSTGRES_*, else the embedded PGlite database)'],
  'direct-url': [
    '--direct-url <url>',
    'Where migrations run when --url goes through a transaction-mode pooler (default: DIRECT_DATABASE_URL)',
  ],
  migrations: [
    '--migrations <dir>',
    'Migrations folder (default: SMARTEM_DB_MIGRATIONS, else the SmartEM migrations in the package)',
  ],
  'journal-schema': ['--journal-schema <s>', 'Schema of the journal table (default smartem_db)'],
  'journal-table': ['--journal-table <t>', 'Name of the journal table (default migrations)'],
  'lock-timeout': ['--lock-timeout <ms>', 'lock_timeout for migration statements (default 10000)'],
  config: ['--config <file>', 'A drizzle.config.ts: its schema, out (the migrations folder) and dbCredentials'],
  sql: ['--sql', 'Print the SQL instead of running it'],
  from: [
    '--from <s>',
    'upgrade/downgrade --sql: assume the database is at this migration; diff: the state to start from',
  ],
  'allow-out-of-order': ['--allow-out-of-order', 'Apply a migration that sorts before an applied one'],
  backup: [
    '--backup',
    'upgrade: back the database up first (pg_dump, or the embedded data directory), when anything is pending',
  ],
  'backup-dir': ['--backup-dir <dir>', 'upgrade --backup: where (default .smartem-db/backups)'],
  apply: ['--apply', 'adopt: run the catch-up SQL (proved on a scratch copy of the database first)'],
  resume: ['--resume', 'Re-run a failed no-transaction migration from where it stopped'],
  yes: [
    '-y, --yes',
    'downgrade: even though tables it drops hold rows; restore: replace the database (asked on a terminal otherwise)',
  ],
  message: ['-m, --message <text>', 'What the migration does (its folder name)'],
  schema: ['--schema <path>', 'The Drizzle model (default: the SmartEM model in the package)'],
  'from-db': ['--from-db <url>', 'Diff against this database (at head) instead of the folder'],
  rename: ['--rename t.old=new', 'Column old of table t was renamed (repeatable)'],
  'rename-table': ['--rename-table old=new', 'Table old was renamed (repeatable)'],
  hints: ['--hints <file>', 'JSON renames and acknowledged data loss, for CI'],
  'allow-data-loss': ['--allow-data-loss', 'Acknowledge dropping tables/columns and lossy type changes'],
  online: ['--online', 'CONCURRENTLY indexes, NOT VALID + VALIDATE constraints on existing tables'],
  empty: ['--empty', 'An empty up/down pair for a hand-written migration'],
  'no-prompt': ['--no-prompt', 'Never ask about renames, even on a terminal'],
  'shadow-url': ['--shadow-url <url>', 'Where to create scratch databases'],
  to: ['--to <s>', 'The state to reach (migrations, schema, or a postgres:// URL)'],
  down: ['--down', 'The SQL back from --to to --from'],
  db: ['--db <url>', 'The live database (default: the configured server)'],
  'model-only': ['--model-only', 'Only whether the migrations produce the Drizzle model'],
  all: ['--all', 'Every migration, not only those a database has not applied'],
  'with-data': ['--with-data', "Sample rows in every table; a down that changes untouched tables' rows fails"],
  verbose: ['-v, --verbose', 'Show files and checksums too'],
  embedded: [
    '--embedded',
    'With no database configured, use the embedded PGlite database even under NODE_ENV=production',
  ],
  json: ['--json', 'Print one JSON document on stdout (errors too)'],
  quiet: ['-q, --quiet', 'No progress on stderr'],
  help: ['-h, --help', 'Help (for a command: smartem-db <command> --help)'],
  version: ['--version', "Print smartem-db's version"],
};
