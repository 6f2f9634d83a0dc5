import type { ParseArgsConfig } from 'node:util';

/**
 * The CLI's options, each once (as COMMAND_SPECS are its commands): how --help and docs/cli.md
 * show it, and what it means. The usage says how parseArgs reads it: `<value>` takes a value,
 * `<value>...` takes one each time it is given, `-x, ` is its short form, and an option without a
 * value is a flag.
 */
export const OPTION_SPECS = {
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
  'lock-timeout': ['--lock-timeout <ms>', 'lock_timeout for migration statements (default 2000)'],
  'lock-retries': ['--lock-retries <n>', 'Tries again after a lock timeout, with growing waits (default 5)'],
  'max-replica-lag': [
    '--max-replica-lag <ms>',
    'A backfill waits between batches to keep every standby within this many ms (default 1000)',
  ],
  config: ['--config <file>', 'A drizzle.config.ts: its schema, out (the migrations folder) and dbCredentials'],
  sql: ['--sql', 'Print the SQL instead of running it'],
  from: [
    '--from <s>',
    'upgrade/downgrade --sql: assume the database is at this migration; diff, erd: the state to start from',
  ],
  'allow-out-of-order': ['--allow-out-of-order', 'Apply a migration that sorts before an applied one'],
  backup: [
    '--backup',
    'upgrade: back the database up first (pg_dump, or the embedded data directory), when anything is pending',
  ],
  'backup-dir': ['--backup-dir <dir>', 'upgrade --backup: where (default .smartem-db/backups)'],
  onto: ['--onto <branch>', 'rebase: the branch whose migrations stay (default: the upstream branch, else main)'],
  'no-drift': ['--no-drift', 'doctor: do not replay the applied migrations to look for drift'],
  demo: ['--demo', 'seed: also load a realistic demo session (COPY; deterministic for its seed)'],
  scale: ['--scale <N>', 'seed --demo: N grids of about 48,000 micrographs each (default 1)'],
  seed: ['--seed <S>', 'seed --demo: the random seed (default 1); the same seed gives the same rows'],
  seeds: ['--seeds <dir>', 'seed: the folder of seed modules (default: the reference seeds in the package)'],
  force: ['--force', 'seed: even though NODE_ENV is production'],
  apply: ['--apply', 'adopt: run the catch-up SQL (proved on a scratch copy of the database first)'],
  resume: ['--resume', 'Re-run a failed no-transaction migration from where it stopped'],
  contract: [
    '--contract',
    "upgrade: apply contract migrations too (they drop what the app's previous version uses; held back otherwise)",
  ],
  'expand-contract': [
    '--expand-contract',
    'generate: write a rename or rewriting type change as an expand and a contract, so two app versions run side by side (the default with --from-db for tables over 10,000 rows)',
  ],
  'no-expand-contract': ['--no-expand-contract', 'generate --from-db: one migration even for a big table'],
  yes: [
    '-y, --yes',
    'downgrade: even though tables it drops hold rows; restore: replace the database (asked on a terminal otherwise)',
  ],
  message: ['-m, --message <text>', 'What the migration does (its folder name)'],
  schema: ['--schema <path>', 'The Drizzle model (default: the SmartEM model in the package)'],
  'from-db': ['--from-db <url>', 'Diff against this database (at head) instead of the folder'],
  rename: ['--rename <t.old=new>...', 'Column old of table t was renamed (repeatable)'],
  'rename-table': ['--rename-table <old=new>...', 'Table old was renamed (repeatable)'],
  hints: ['--hints <file>', 'JSON renames and acknowledged data loss, for CI'],
  'allow-data-loss': ['--allow-data-loss', 'Acknowledge dropping tables/columns and lossy type changes'],
  online: ['--online', 'The online forms on existing tables (the default; kept for scripts)'],
  plain: ['--plain <reason>', 'The plain, transactional form, its locks and rewrites acknowledged with this reason'],
  empty: ['--empty', 'An empty up/down pair for a hand-written migration'],
  'no-prompt': ['--no-prompt', 'Never ask about renames, even on a terminal'],
  'no-prove': [
    '--no-prove',
    'diff: print the SQL without running it both ways on a scratch database first (the default from migrations)',
  ],
  'no-cache': ['--no-cache', "Work it all out anew: nothing taken from the project's store (.smartem-db/store)"],
  timings: ['--timings', 'Say where the time went, phase by phase (on stderr; in the document with --json)'],
  'shadow-url': ['--shadow-url <url>', 'Where to create scratch databases'],
  to: ['--to <s>', 'The state to reach (migrations, schema, or a postgres:// URL)'],
  format: ['--format <f>', 'erd: svg (the default), mermaid (text GitHub renders; the default for a .md --out) or dot'],
  out: ['--out <file>', 'erd: write the diagram to this file instead of printing it'],
  summary: [
    '--summary',
    'generate: print a Markdown summary with a Mermaid picture of the change (also the job summary in GitHub Actions)',
  ],
  port: ['--port <n>', 'studio: the port on 127.0.0.1 (default: a free one)'],
  down: ['--down', 'The SQL back from --to to --from'],
  db: ['--db <url>', 'The live database (default: the configured server)'],
  'model-only': ['--model-only', 'Only whether the migrations produce the Drizzle model'],
  'small-table-rows': [
    '--small-table-rows <n>',
    'lint --db: lock and rewrite hazards on tables of at most n rows pass (default 10000)',
  ],
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
} as const satisfies Record<string, readonly [string, string]>;

export type OptionName = keyof typeof OPTION_SPECS;

/** What an option's usage says parseArgs gives for it. */
type ValueOf<Usage extends string> = Usage extends `${string}>...`
  ? string[]
  : Usage extends `${string}<${string}`
    ? string
    : boolean;
export type CliValues = { [K in OptionName]?: ValueOf<(typeof OPTION_SPECS)[K][0]> };

/** parseArgs's options, read from each option's usage (OPTION_SPECS). */
export const CLI_OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  Object.entries(OPTION_SPECS).map(([name, [usage]]) => {
    const short = /^-(\w), /.exec(usage)?.[1];
    return [
      name,
      {
        type: usage.includes('<') ? 'string' : 'boolean',
        ...(usage.endsWith('>...') ? { multiple: true } : {}),
        ...(short ? { short } : {}),
      },
    ];
  }),
);
