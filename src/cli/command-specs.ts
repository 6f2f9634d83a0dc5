import type { OptionName } from './options.js';

export { closest } from '../text/edit-distance.js';

/** What a command is, takes and says in its --help. */
interface CommandSpec {
  usage: string;
  summary: string;
  /** How many positional arguments it takes. */
  maxArgs: number;
  /** Options besides the global ones. */
  options: OptionName[];
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionName[] = [
  'url',
  'direct-url',
  'migrations',
  'journal-schema',
  'journal-table',
  'lock-timeout',
  'lock-retries',
  'max-replica-lag',
  'config',
  'embedded',
  'json',
  'quiet',
  'help',
  'version',
];

export const COMMAND_SPECS: Record<string, CommandSpec> = {
  upgrade: {
    usage: 'upgrade [target]',
    summary: 'Apply pending migrations (target: id, number, prefix, head, +N)',
    maxArgs: 1,
    options: ['sql', 'from', 'allow-out-of-order', 'resume', 'contract', 'backup', 'backup-dir'],
  },
  downgrade: {
    usage: 'downgrade <-N | id | base>',
    summary: 'Roll back: -N (the last N), an id (to it, kept), or base (all)',
    maxArgs: 1,
    options: ['sql', 'from', 'yes'],
  },
  current: { usage: 'current', summary: "Print the database's current migration", maxArgs: 0, options: [] },
  history: {
    usage: 'history [--verbose]',
    summary: 'List the migrations in the folder, newest first',
    maxArgs: 0,
    options: ['verbose'],
  },
  status: {
    usage: 'status',
    summary: 'Applied, pending and failed migrations with times, and problems',
    maxArgs: 0,
    options: [],
  },
  stamp: {
    usage: 'stamp <id | head | base>',
    summary: 'Record the database as at a migration without running SQL',
    maxArgs: 1,
    options: [],
  },
  adopt: {
    usage: 'adopt [--apply]',
    summary: "Move a database built by SmartEM's Alembic chain over: stamp the baseline, or catch it up first",
    maxArgs: 0,
    options: ['apply', 'allow-data-loss', 'shadow-url'],
  },
  restore: {
    usage: 'restore <file>',
    summary: 'Put the database back as a backup (upgrade --backup) found it; replaces all of it (--yes)',
    maxArgs: 1,
    options: ['yes'],
  },
  rebase: {
    usage: 'rebase [--onto <branch>]',
    summary: "After merging another branch's migrations: number this branch's after them, proved",
    maxArgs: 0,
    options: ['onto', 'shadow-url'],
  },
  doctor: {
    usage: 'doctor',
    summary:
      "The database's health, errors first: indexes, foreign keys, vacuum, bloat, wraparound, connections, replication, sizes, drift (exit 11 on an error)",
    maxArgs: 0,
    options: ['shadow-url', 'no-drift'],
  },
  seed: {
    usage: 'seed [--demo [--scale N] [--seed S]]',
    summary:
      'Load development data: the seed modules, and a realistic demo session with --demo (refused in production)',
    maxArgs: 0,
    options: ['demo', 'scale', 'seed', 'seeds', 'force'],
  },
  hash: { usage: 'hash', summary: "Rewrite the folder's checksum manifest (smartem.sum)", maxArgs: 0, options: [] },
  generate: {
    usage: 'generate -m <text>',
    summary: 'Write the next migration (up.sql and down.sql) from the Drizzle model, proved',
    maxArgs: 0,
    options: [
      'message',
      'schema',
      'from-db',
      'rename',
      'rename-table',
      'hints',
      'allow-data-loss',
      'empty',
      'online',
      'plain',
      'expand-contract',
      'no-expand-contract',
      'no-prompt',
      'no-cache',
      'timings',
      'summary',
      'shadow-url',
    ],
  },
  diff: {
    usage: 'diff --from <s> --to <s>',
    summary: 'Print the SQL from one state to another (s: migrations, schema, a URL)',
    maxArgs: 0,
    options: ['from', 'to', 'down', 'schema', 'shadow-url', 'no-cache', 'no-prove'],
  },
  erd: {
    usage: 'erd [--from <s>] [--to <s>] [--format svg|mermaid|dot] [--out <file>]',
    summary:
      'Draw a schema (s: migrations, schema, a URL; default migrations), or with --to what changes, added, removed and changed marked',
    maxArgs: 0,
    options: ['from', 'to', 'format', 'out', 'schema', 'shadow-url', 'no-cache'],
  },
  studio: {
    usage: 'studio [--port <n>]',
    summary:
      'A local, read-only page: the diagram beside the model, the migrations (progress live), what is pending, the doctor',
    maxArgs: 0,
    options: ['port', 'schema', 'shadow-url'],
  },
  inspect: {
    usage: 'inspect',
    summary: "Print the database's schema as smartem-db reads it (a summary, or --json)",
    maxArgs: 0,
    options: [],
  },
  check: {
    usage: 'check [--db <url>] [--model-only]',
    summary: 'CI drift check: migrations vs the Drizzle model; a database vs its migrations',
    maxArgs: 0,
    options: ['db', 'model-only', 'schema', 'shadow-url', 'no-cache'],
  },
  verify: {
    usage: 'verify [--with-data]',
    summary: "Check the history, the downs, the hazard lint, and each migration's up/down/up",
    maxArgs: 0,
    options: ['shadow-url', 'with-data'],
  },
  lint: {
    usage: 'lint [--db <url> | --all]',
    summary: 'Hazards in migrations not yet applied (data loss, rewrites, locks, renames)',
    maxArgs: 0,
    options: ['db', 'all', 'small-table-rows'],
  },
};

/** drizzle-kit's command names that mean one of ours. */
export const ALIASES: Record<string, string> = { migrate: 'upgrade', pull: 'inspect', introspect: 'inspect' };

/** drizzle-kit's commands that smartem-db answers with what to do instead. */
export const ANSWERS: Record<string, string> = {
  push:
    'smartem-db has no push: every change is a reviewed migration with a down. Write it with ' +
    '`smartem-db generate -m "<what>"` and apply it with `smartem-db upgrade`.',
  drop: 'To undo migrations, roll them back: `smartem-db downgrade -1` (or an id, or base).',
  up: "drizzle-kit's up upgrades its snapshots; smartem-db keeps no snapshots, so there is nothing to upgrade.",
  export:
    'To print the SQL of the model: `smartem-db diff --from migrations --to schema` (what the next migration would do).',
};
