#!/usr/bin/env node
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CommonOptions } from '../api.js';
import { redactCredentials } from '../db/redact.js';
import { SmartemDbError } from '../errors.js';
import type { Logger } from '../migrations/logger.js';
import { COMMANDS } from './commands.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { CLI_OPTIONS, type CliValues } from './options.js';

const HELP = `smartem-db: migrations for the SmartEM PostgreSQL schema

Usage: smartem-db <command> [arguments] [options]

Commands:
  upgrade [target]       Apply pending migrations (target: id, number, prefix, head, +N)
  downgrade <target>     Roll back: -N (the last N), an id (to it, kept), or base (all)
  current                Print the database's current migration
  history [--verbose]    List the migrations in the folder, newest first
  status                 Applied, pending and failed migrations with times, and problems
  stamp <target>         Record the database as at <target> (id, head, base) without running SQL
  hash                   Rewrite the folder's checksum manifest (smartem.sum)
  generate -m <text>     Write the next migration (up.sql and down.sql) from the Drizzle model, proved
  diff --from <s> --to <s>  Print the SQL from one state to another (s: migrations, schema, a URL)
  inspect                Print the database's schema as smartem-db reads it (a summary, or --json)
  check [--db <url>]     CI drift check: migrations vs the Drizzle model; a database vs its migrations
  verify                 Check the history, the downs, the hazard lint, and each migration's up/down/up
  lint [--db <url>|--all]  Hazards in migrations not yet applied (data loss, rewrites, locks, renames)

Options:
  --url <url>            Database URL (default: DATABASE_URL, POSTGRES_*, else embedded PGlite)
  --migrations <dir>     Migrations folder (default: SMARTEM_DB_MIGRATIONS or ./drizzle)
  --journal-schema <s>   Schema of the journal table (default smartem_db)
  --journal-table <t>    Name of the journal table (default migrations)
  --lock-timeout <ms>    lock_timeout for migration statements (default 10000)
  --sql                  upgrade/downgrade: print the SQL instead of running it
  --from <id|base>       with --sql: assume the database is at this migration (no connection)
  --allow-out-of-order   upgrade: apply a migration that sorts before an applied one
  --resume               upgrade: re-run a failed no-transaction migration from where it stopped
  -m, --message <text>   generate: what the migration does (its folder name)
  --schema <path>        generate/diff: the Drizzle model (default: drizzle.config.ts's schema)
  --from-db <url>        generate: diff against this database (at head) instead of the folder
  --rename t.old=new     generate: column old of table t was renamed (repeatable)
  --rename-table old=new generate: table old was renamed (repeatable)
  --hints <file>         generate: JSON renames and acknowledged data loss, for CI
  --allow-data-loss      generate: acknowledge dropping tables/columns and lossy type changes
  --empty                generate: an empty up/down pair for a hand-written migration
  --online               generate: CONCURRENTLY indexes, NOT VALID + VALIDATE constraints on existing tables
  --no-prompt            generate: never ask about renames, even on a terminal
  --shadow-url <url>     generate/diff: where to create scratch databases
  --down                 diff: the SQL back from --to to --from
  --db <url>             check: the live database to check (default: the configured server)
  --model-only           check: only whether the migrations produce the Drizzle model
  --with-data            verify: sample rows in every table; a down that changes untouched tables' rows fails
  --all                  lint: every migration, not only those a database has not applied
  --embedded             With no database configured, use the embedded PGlite database even under
                         NODE_ENV=production (elsewhere it is the default)
  --json                 Print one JSON document on stdout
  --quiet                No progress on stderr
  -h, --help             This help

Exit codes: 0 ok; 1 a migration failed; 2 bad usage or configuration; 3 the folder and the
database disagree (edited, missing or out-of-order migration, manifest mismatch); 4 cannot connect;
5 generate refused (unacknowledged data loss, or the proof failed); 6 check: the migrations do not
produce the model; 7 check: the database has pending/failed/edited migrations or drifted;
8 verify failed; 9 lint found unacknowledged hazards; 10 unexpected error (please report it).`;

/** Runs one CLI command and returns its exit code; every command is a thin call into the API. */
export async function run(argv: string[]): Promise<number> {
  // Known before parsing, so that even a usage error is one JSON document under --json.
  const json = argv.includes('--json');
  const usage = (message: string) => fail(json, 'USAGE', message, EXIT.usage);
  let parsed;
  // "-1" is a target (one step back), not an option: keep parseArgs from reading it as a flag.
  const STEPS = 'steps:';
  const args0 = argv.map((a) => (/^-\d+$/.test(a) ? `${STEPS}${a}` : a));
  try {
    parsed = parseArgs({
      args: args0,
      allowPositionals: true,
      allowNegative: false,
      options: CLI_OPTIONS,
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values } = parsed;
  const [command, ...args] = parsed.positionals.map((p) => (p.startsWith(STEPS) ? p.slice(STEPS.length) : p));
  if (values.help || !command) {
    process.stdout.write(`${HELP}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }

  const started = performance.now();
  const logger: Logger | undefined = values.quiet
    ? undefined
    : {
        info: (m) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${m}\n`),
        warn: (m) => process.stderr.write(`warning: ${m}\n`),
      };
  const lockTimeout = values['lock-timeout'];
  if (lockTimeout !== undefined && !/^\d+$/.test(lockTimeout)) return usage(`--lock-timeout takes milliseconds, not "${lockTimeout}".`);
  const common: CommonOptions = {
    url: values.url,
    migrationsFolder: values.migrations,
    journal: {
      ...(values['journal-schema'] ? { schema: values['journal-schema'] } : {}),
      ...(values['journal-table'] ? { table: values['journal-table'] } : {}),
    },
    lockTimeoutMs: lockTimeout === undefined ? undefined : Number(lockTimeout),
    logger,
    // On a developer's machine with no database configured, the embedded one; never unasked in production.
    embedded: values.embedded ? true : 'unless-production',
  };
  const print = (text: string, data: unknown) => process.stdout.write(`${json ? JSON.stringify(data, null, 2) : text}\n`);

  const verb = COMMANDS[command];
  if (!verb) return usage(`Unknown command "${command}".`);
  try {
    return await verb({ args, values: values as CliValues, common, json, print, usage });
  } catch (error) {
    if (error instanceof SmartemDbError) return fail(json, error.code, error.message, exitCodeFor(error.code));
    // Not one of ours: a bug, or something the code did not foresee. Still one JSON document,
    // still no password, and an exit code of its own.
    const message = redactCredentials(error instanceof Error ? error.message : String(error));
    return fail(json, 'UNEXPECTED', `${message}\n(This is unexpected: please report it with the command you ran.)`, EXIT.unexpected);
  }
}

/** Reports a failure: one JSON document on stdout with --json, and the message on stderr. */
function fail(json: boolean, code: string, message: string, exit: number): number {
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message, exitCode: exit } }, null, 2)}\n`);
  process.stderr.write(`error: ${message}\n${code === 'USAGE' ? 'Run smartem-db --help for usage.\n' : ''}`);
  return exit;
}

// Run when executed as a script (`tsx src/cli/main.ts`); bin/smartem-db.js imports run() instead.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
