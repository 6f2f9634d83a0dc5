import { resolve } from 'node:path';
import { z } from 'zod';
import { redactUrl } from '../db/redact.js';
import { SmartemDbError } from '../errors.js';
import { loadLayeredEnv, type SourcedEnv } from './env-files.js';
import { bundledMigrationsFolder } from './package-root.js';
import { connectionUrlProblem } from '../db/connection-url.js';

/** Where the database is: a server reached by URL, or the embedded PGlite database on disk. */
export type DatabaseTarget =
  | {
      kind: 'server';
      url: string;
      source: string;
      /** DIRECT_DATABASE_URL: where migrations run when `url` goes through a transaction-mode pooler. */
      direct?: { url: string; source: string };
    }
  | {
      kind: 'embedded';
      dataDir: string;
      /** NODE_ENV is production: never fall back to it unasked. */ production: boolean;
    };

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
  /** NODE_ENV is production (from the environment or an env file): seeds refuse to run there. */
  production: boolean;
}

export const EMBEDDED_DATA_DIR = '.smartem-db/pglite';

const postgresUrl = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = connectionUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a PostgreSQL connection URL: ${problem}` });
  });

const envSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  DIRECT_DATABASE_URL: postgresUrl.optional(),
  SHADOW_DATABASE_URL: postgresUrl.optional(),
  POSTGRES_HOST: z.string().trim().min(1, 'must not be empty').optional(),
  POSTGRES_PORT: z.coerce
    .number({ message: 'expected a port number' })
    .int('expected a whole port number')
    .min(1, 'expected a port from 1 to 65535')
    .max(65535, 'expected a port from 1 to 65535')
    .optional(),
  POSTGRES_USER: z.string().trim().min(1, 'must not be empty').optional(),
  POSTGRES_PASSWORD: z.string().optional(),
  POSTGRES_DB: z.string().trim().min(1, 'must not be empty').optional(),
  SMARTEM_DB_MIGRATIONS: z.string().trim().min(1, 'must not be empty').optional(),
  SMARTEM_DB_LOCK_RETRIES: z.coerce
    .number({ message: 'expected a number of tries' })
    .int('expected a whole number')
    .min(0, 'expected 0 (no retry) or more')
    .optional(),
  SMARTEM_DB_LOCK_TIMEOUT_MS: z.coerce
    .number({ message: 'expected milliseconds' })
    .int('expected whole milliseconds')
    .min(0, 'expected 0 (no limit) or more milliseconds')
    .optional(),
});

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
  const raw = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((key) => {
      const entry = sourced.get(key);
      // An empty value means "unset", as most env loaders treat it.
      return entry && entry.value !== '' ? [[key, entry.value]] : [];
    }),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) throw configError(parsed.error, sourced);
  const env = parsed.data;

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
    production: sourced.get('NODE_ENV')?.value === 'production',
  };
}

function databaseTarget(env: z.infer<typeof envSchema>, sourced: SourcedEnv, cwd: string): DatabaseTarget {
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

function configError(error: z.ZodError, sourced: SourcedEnv): SmartemDbError {
  const lines = error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const entry = sourced.get(name);
    const shown = !entry
      ? ''
      : SECRET_VARIABLES.has(name)
        ? ''
        : URL_VARIABLES.has(name)
          ? ` = "${redactUrl(entry.value)}"`
          : ` = "${entry.value}"`;
    return `  ${name}${shown} (from ${entry?.source ?? 'unknown'}): ${issue.message}`;
  });
  return new SmartemDbError('CONFIG_INVALID', `Invalid smartem-db configuration:\n${lines.join('\n')}`);
}
