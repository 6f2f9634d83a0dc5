#!/usr/bin/env node
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { check, diff, generate, hash, inspect, lint, migrate, offlineSql, rollback, stamp, status, verify, type CommonOptions } from '../api.js';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config/config.js';
import { SmartemDbError } from '../errors.js';
import { readMigrationsFolder } from '../migrations/migration-folder.js';
import type { Logger } from '../migrations/logger.js';
import { parseRollbackTarget } from '../migrations/targets.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { formatCheck, formatLint, formatRun, formatStatus, formatVerify, githubAnnotations, lintProblems } from './format.js';

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
  --no-prompt            generate: never ask about renames, even on a terminal
  --shadow-url <url>     generate/diff: where to create scratch databases
  --down                 diff: the SQL back from --to to --from
  --db <url>             check: the live database to check (default: the configured server)
  --model-only           check: only whether the migrations produce the Drizzle model
  --with-data            verify: sample rows in every table; a down that changes untouched tables' rows fails
  --all                  lint: every migration, not only those a database has not applied
  --json                 Print one JSON document on stdout
  --quiet                No progress on stderr
  -h, --help             This help

Exit codes: 0 ok; 1 a migration failed; 2 bad usage or configuration; 3 the folder and the
database disagree (edited, missing or out-of-order migration, manifest mismatch); 4 cannot connect;
5 generate refused (unacknowledged data loss, or the proof failed); 6 check: the migrations do not
produce the model; 7 check: the database has pending/failed/edited migrations or drifted;
8 verify failed; 9 lint found unacknowledged hazards.`;

/** Runs one CLI command and returns its exit code; every command is a thin call into the API. */
export async function run(argv: string[]): Promise<number> {
  let parsed;
  // "-1" is a target (one step back), not an option: keep parseArgs from reading it as a flag.
  const STEPS = 'steps:';
  const args0 = argv.map((a) => (/^-\d+$/.test(a) ? `${STEPS}${a}` : a));
  try {
    parsed = parseArgs({
      args: args0,
      allowPositionals: true,
      allowNegative: false,
      options: {
        url: { type: 'string' },
        migrations: { type: 'string' },
        'journal-schema': { type: 'string' },
        'journal-table': { type: 'string' },
        'lock-timeout': { type: 'string' },
        sql: { type: 'boolean' },
        from: { type: 'string' },
        'allow-out-of-order': { type: 'boolean' },
        resume: { type: 'boolean' },
        message: { type: 'string', short: 'm' },
        schema: { type: 'string' },
        'from-db': { type: 'string' },
        rename: { type: 'string', multiple: true },
        'rename-table': { type: 'string', multiple: true },
        hints: { type: 'string' },
        'allow-data-loss': { type: 'boolean' },
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
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
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

  const json = values.json ?? false;
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
  };
  const print = (text: string, data: unknown) => process.stdout.write(`${json ? JSON.stringify(data, null, 2) : text}\n`);

  try {
    switch (command) {
      case 'upgrade': {
        if (args.length > 1) return usage('upgrade takes at most one target.');
        if (values.sql) {
          process.stdout.write(await offlineSql({ ...common, direction: 'up', to: args[0], from: values.from }));
          return EXIT.ok;
        }
        const result = await migrate({ ...common, to: args[0], allowOutOfOrder: values['allow-out-of-order'], resume: values.resume });
        print(formatRun(result, 'upgrade'), result);
        return EXIT.ok;
      }
      case 'downgrade': {
        const target = args[0];
        if (!target || args.length > 1) return usage('downgrade takes one target: -N, a migration id, or base.');
        const parsedTarget = parseRollbackTarget(target);
        if (values.sql) {
          process.stdout.write(await offlineSql({ ...common, direction: 'down', target: parsedTarget, from: values.from }));
          return EXIT.ok;
        }
        const result = await rollback(parsedTarget, common);
        print(formatRun(result, 'downgrade'), result);
        return EXIT.ok;
      }
      case 'current': {
        const report = await status(common);
        const text = report.head ? `${report.head}${report.head === report.latest ? ' (head)' : ''}` : 'base';
        print(text, { head: report.head, latest: report.latest, database: report.database });
        return EXIT.ok;
      }
      case 'history': {
        const folder = readMigrationsFolder(common.migrationsFolder ?? loadConfig().migrationsFolder, { verify: false });
        const list = [...folder.migrations].reverse();
        const text = list
          .map((m, i) => {
            const line = `${m.parent ?? '<base>'} -> ${m.id}${i === 0 ? ' (head)' : ''}`;
            if (!values.verbose) return line;
            return [
              line,
              `    up:          ${m.up.file}${m.up.transactional ? '' : ' (no transaction)'}`,
              `    down:        ${m.down ? `${m.down.file}${m.down.transactional ? '' : ' (no transaction)'}` : 'none'}`,
              `    checksum:    ${m.checksum}`,
            ].join('\n');
          })
          .join('\n');
        print(
          text || 'No migrations.',
          list.map((m) => ({ id: m.id, parent: m.parent ?? null, transactional: m.up.transactional, hasDown: !!m.down, checksum: m.checksum })),
        );
        return EXIT.ok;
      }
      case 'status': {
        const report = await status(common);
        print(formatStatus(report), report);
        return report.problems.length > 0 ? EXIT.integrity : EXIT.ok;
      }
      case 'stamp': {
        if (args.length !== 1) return usage('stamp takes one target: a migration id, head, or base.');
        const result = await stamp(args[0]!, common);
        print(`Stamped ${result.database} at ${result.head ?? 'base'}; no SQL was run.`, result);
        return EXIT.ok;
      }
      case 'generate': {
        if (!values.message) return usage('generate needs -m "what the migration does".');
        const interactive = !values['no-prompt'] && !json && process.stdin.isTTY && process.stderr.isTTY;
        const result = await generate({
          ...common,
          name: values.message,
          schema: values.schema,
          fromDb: values['from-db'],
          renames: values.rename,
          renameTables: values['rename-table'],
          hintsFile: values.hints,
          allowDataLoss: values['allow-data-loss'],
          empty: values.empty,
          shadowDatabaseUrl: values['shadow-url'],
          confirmRename: interactive ? askOnTerminal : undefined,
        });
        const text = result.id
          ? [
              `Wrote ${result.id}/up.sql and down.sql (${result.ops.length} change${result.ops.length === 1 ? '' : 's'}, proved on a scratch database).`,
              ...result.hazards.map((h) => `  ${h.kind}: ${h.message}`),
              'Review both files, then commit them with smartem.sum.',
            ].join('\n')
          : 'No changes: the migrations already produce the Drizzle model. Nothing was written.';
        print(text, { id: result.id, changes: result.ops.length, hazards: result.hazards, up: result.up, down: result.down });
        return EXIT.ok;
      }
      case 'diff': {
        if (!values.from || !values.to) return usage('diff needs --from and --to (migrations, schema, or a postgres:// URL).');
        const result = await diff({ ...common, from: values.from, to: values.to, down: values.down, schema: values.schema, shadowDatabaseUrl: values['shadow-url'] });
        if (json) print('', { sql: result.sql, hazards: result.hazards });
        else process.stdout.write(result.sql || '-- No differences.\n');
        return EXIT.ok;
      }
      case 'check': {
        const report = await check({ ...common, db: values.db, modelOnly: values['model-only'], schema: values.schema, shadowDatabaseUrl: values['shadow-url'] });
        print(formatCheck(report), report);
        const files = [...report.folder, ...(report.database?.editedFiles ?? [])];
        if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(githubAnnotations(files));
        return !report.model.ok ? EXIT.modelDrift : report.database && !report.database.ok ? EXIT.databaseDrift : EXIT.ok;
      }
      case 'verify': {
        const report = await verify({ ...common, shadowDatabaseUrl: values['shadow-url'], withData: values['with-data'] });
        print(formatVerify(report), report);
        const stair = report.stairway;
        const files = [
          ...report.problems,
          ...lintProblems(report.lint),
          ...(stair && !stair.ok && stair.file ? [{ file: stair.file, message: `${stair.step}: ${stair.details.join('; ')}` }] : []),
        ];
        if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(githubAnnotations(files));
        return report.ok ? EXIT.ok : EXIT.verifyFailed;
      }
      case 'lint': {
        const report = await lint({ ...common, db: values.db, all: values.all });
        print(formatLint(report), report);
        if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(githubAnnotations(lintProblems(report)));
        return report.ok ? EXIT.ok : EXIT.lintFailed;
      }
      case 'inspect': {
        const model = await inspect(common);
        const columns = model.tables.reduce((n, t) => n + t.columns.length, 0);
        const text = [
          `schemas ${model.schemas.join(', ') || '(none)'}`,
          `${model.tables.length} tables, ${columns} columns, ${model.enums.length} enums, ${model.sequences.length} sequences, ${model.views.length} views`,
          ...model.tables.map((t) => `  ${t.schema}.${t.name} (${t.columns.length} columns, ${t.indexes.length} indexes, ${t.foreignKeys.length} foreign keys)`),
        ].join('\n');
        print(text, model);
        return EXIT.ok;
      }
      case 'hash': {
        const file = hash(common);
        print(`Wrote ${file}.`, { manifest: file });
        return EXIT.ok;
      }
      default:
        return usage(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof SmartemDbError) {
      if (json) process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2)}\n`);
      process.stderr.write(`error: ${error.message}\n`);
      return exitCodeFor(error.code);
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.migrationFailed;
  }
}

/** A yes/no question on the terminal (rename prompts); anything but y/yes is no. */
async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function usage(message: string): number {
  process.stderr.write(`error: ${message}\nRun smartem-db --help for usage.\n`);
  return EXIT.usage;
}

// Run when executed as a script (`tsx src/cli/main.ts`); bin/smartem-db.js imports run() instead.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
