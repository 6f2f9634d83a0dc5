import { resolve } from 'node:path';
import { redactUrl } from '../db/redact.js';
import { SmartemDbError } from '../errors.js';
import { loadLayeredEnv, type SourcedEnv } from './env-files.js';
import { bundledMigrationsFolder } from './package-root.js';
import { connectionUrlProblem } from '../db/connection-url.js';
import type { DatabaseTarget } from '../db/database-target.js';

export interface SmartemDbConfig {
  database: DatabaseTarget;
  /** A server for scratch databases (used by the diff engine); undefined means "derive one". */
  shadowDatabaseUrl: string | undefined;
  migrationsFolder: string;
  /** Where migrationsFolder came from, for messages. */
  migrationsFolderSource: string;
  lockTimeoutMs: number;
  /** How often a statement that timed out on its lock is tried again. */
  lockRetries: number;
  /** How far (ms) a standby may fall behind a backfill before it waits (undefined: the backfill's 1 s). */
  maxReplicaLagMs: number | undefined;
  /** NODE_ENV is production (from the environment or an env file): seeds refuse to run there. */
  production: boolean;
}

const EMBEDDED_DATA_DIR = '.smartem-db/pglite';

/** One variable's check: the value it stands for, or the problem with it. */
type Check<T> = (raw: string) => { value: T } | { problem: string };

const text: Check<string> = (raw) => (raw.trim() === '' ? { problem: 'must not be empty' } : { value: raw.trim() });
const anyText: Check<string> = (raw) => ({ value: raw });
const postgresUrl: Check<string> = (raw) => {
  const problem = connectionUrlProblem(raw.trim());
  return problem ? { problem: `not a PostgreSQL connection URL: ${problem}` } : { value: raw.trim() };
};
const wholeNumber =
  (what: string, whole: string, range: string, min: number, max = Infinity): Check<number> =>
  (raw) => {
    const n = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(n)) return { problem: what };
    if (!Number.isInteger(n)) return { problem: whole };
    if (n < min || n > max) return { problem: range };
    return { value: n };
  };

// Validated by hand rather than with zod: this runs at every application start (migrate()), which
// loads none of the developer tools' packages (test/runner/startup-imports.test.ts).
const ENV = {
  DATABASE_URL: postgresUrl,
  DIRECT_DATABASE_URL: postgresUrl,
  SHADOW_DATABASE_URL: postgresUrl,
  POSTGRES_HOST: text,
  POSTGRES_PORT: wholeNumber(
    'expected a port number',
    'expected a whole port number',
    'expected a port from 1 to 65535',
    1,
    65535,
  ),
  POSTGRES_USER: text,
  POSTGRES_PASSWORD: anyText,
  POSTGRES_DB: text,
  SMARTEM_DB_MIGRATIONS: text,
  SMARTEM_DB_LOCK_RETRIES: wholeNumber(
    'expected a number of tries',
    'expected a whole number',
    'expected 0 (no retry) or more',
    0,
  ),
  SMARTEM_DB_MAX_REPLICA_LAG_MS: wholeNumber(
    'expected milliseconds',
    'expected whole milliseconds',
    'expected 0 or more milliseconds',
    0,
  ),
  SMARTEM_DB_LOCK_TIMEOUT_MS: wholeNumber(
    'expected milliseconds',
    'expected whole milliseconds',
    'expected 0 (no limit) or more milliseconds',
    0,
  ),
} satisfies Record<string, Check<unknown>>;

type Env = { -readonly [K in keyof typeof ENV]?: (typeof ENV)[K] extends Check<infer T> ? T : never };

const SECRET_VARIABLES = new Set(['POSTGRES_PASSWORD']);
const URL_VARIABLES = new Set(['DATABASE_URL', 'DIRECT_DATABASE_URL', 'SHADOW_DATABASE_URL']);

/**
 * Reads smartem-db's configuration from layered env files in `cwd` and the real environment, and
 * validates it. The database is `DATABASE_URL`, else one built from the `POSTGRES_*` variables the
 * SmartEM backend already uses, else the embedded PGlite database under `.smartem-db/`.
 *
 * @example const config = loadConfig(); if (config.database.kind === 'embedded') console.log('no server');
 */
export function loadConfig(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SmartemDbConfig {
  const cwd = options.cwd ?? process.cwd();
  const sourced = loadLayeredEnv(cwd, options.env ?? process.env);
  const env: Env = {};
  const problems: { name: string; problem: string }[] = [];
  for (const [name, check] of Object.entries(ENV) as [keyof typeof ENV, Check<unknown>][]) {
    const entry = sourced.get(name);
    // An empty value means "unset", as most env loaders treat it.
    if (!entry || entry.value === '') continue;
    const checked = check(entry.value);
    if ('problem' in checked) problems.push({ name, problem: checked.problem });
    else (env as Record<string, unknown>)[name] = checked.value;
  }
  if (problems.length) throw configError(problems, sourced);

  const database = databaseTarget(env, sourced, cwd);
  if (env.DIRECT_DATABASE_URL && database.kind === 'server') {
    database.direct = {
      url: env.DIRECT_DATABASE_URL,
      source: `DIRECT_DATABASE_URL (${sourced.get('DIRECT_DATABASE_URL')?.source})`,
    };
  }
  return {
    database,
    shadowDatabaseUrl: env.SHADOW_DATABASE_URL,
    migrationsFolder: env.SMARTEM_DB_MIGRATIONS ? resolve(cwd, env.SMARTEM_DB_MIGRATIONS) : bundledMigrationsFolder(),
    migrationsFolderSource: env.SMARTEM_DB_MIGRATIONS
      ? `SMARTEM_DB_MIGRATIONS (${sourced.get('SMARTEM_DB_MIGRATIONS')?.source})`
      : 'the SmartEM migrations bundled with smartem-db (set SMARTEM_DB_MIGRATIONS or --migrations for another folder)',
    // Short: a DDL statement waiting for its lock queues every later query on the table behind it.
    lockTimeoutMs: env.SMARTEM_DB_LOCK_TIMEOUT_MS ?? 2_000,
    lockRetries: env.SMARTEM_DB_LOCK_RETRIES ?? 5,
    maxReplicaLagMs: env.SMARTEM_DB_MAX_REPLICA_LAG_MS,
    production: sourced.get('NODE_ENV')?.value === 'production',
  };
}

function databaseTarget(env: Env, sourced: SourcedEnv, cwd: string): DatabaseTarget {
  if (env.DATABASE_URL) {
    return { kind: 'server', url: env.DATABASE_URL, source: `DATABASE_URL (${sourced.get('DATABASE_URL')?.source})` };
  }
  const parts = ['POSTGRES_HOST', 'POSTGRES_USER', 'POSTGRES_DB'] as const;
  const given = parts.filter((name) => env[name] !== undefined);
  if (given.length > 0 || env.POSTGRES_PORT !== undefined || env.POSTGRES_PASSWORD !== undefined) {
    const missing = parts.filter((name) => env[name] === undefined);
    if (missing.length > 0) {
      const present = Object.keys(env)
        .filter((k) => k.startsWith('POSTGRES_'))
        .map((k) => `${k} (${sourced.get(k)?.source})`);
      throw new SmartemDbError(
        'CONFIG_INVALID',
        `Incomplete database settings: ${present.join(', ')} ${present.length === 1 ? 'is' : 'are'} set but ` +
          `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not. Set all of POSTGRES_HOST, POSTGRES_USER ` +
          'and POSTGRES_DB (POSTGRES_PORT and POSTGRES_PASSWORD are optional), or set DATABASE_URL instead.',
      );
    }
    const url = new URL('postgres://localhost');
    url.hostname = env.POSTGRES_HOST!;
    url.port = String(env.POSTGRES_PORT ?? 5432);
    url.username = encodeURIComponent(env.POSTGRES_USER!);
    if (env.POSTGRES_PASSWORD) url.password = encodeURIComponent(env.POSTGRES_PASSWORD);
    url.pathname = `/${encodeURIComponent(env.POSTGRES_DB!)}`;
    const sources = [...new Set(parts.map((p) => sourced.get(p)?.source))].join(', ');
    return { kind: 'server', url: url.toString(), source: `POSTGRES_* variables (${sources})` };
  }
  return {
    kind: 'embedded',
    dataDir: resolve(cwd, EMBEDDED_DATA_DIR),
    production: sourced.get('NODE_ENV')?.value === 'production',
  };
}

function configError(problems: { name: string; problem: string }[], sourced: SourcedEnv): SmartemDbError {
  const lines = problems.map(({ name, problem }) => {
    const entry = sourced.get(name);
    const shown = !entry
      ? ''
      : SECRET_VARIABLES.has(name)
        ? ''
        : URL_VARIABLES.has(name)
          ? ` = "${redactUrl(entry.value)}"`
          : ` = "${entry.value}"`;
    return `  ${name}${shown} (from ${entry?.source ?? 'unknown'}): ${problem}`;
  });
  return new SmartemDbError('CONFIG_INVALID', `Invalid smartem-db configuration:\n${lines.join('\n')}`);
}
