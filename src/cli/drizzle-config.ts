import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { SmartemDbError } from '../errors.js';
import { importModule } from '../drizzle-model/load-schema.js';
import { validated } from '../files/validate-input.js';

/** What smartem-db takes from a drizzle.config.ts. */
interface DrizzleConfigSettings {
  /** The Drizzle model module. */
  schema?: string;
  /** The migrations folder (drizzle-kit's `out`). */
  out?: string;
  /** The database, from `dbCredentials`. */
  url?: string;
}

type Credentials =
  | { url: string }
  | { host: string; port?: number | string; user?: string; password?: string; database: string; ssl?: unknown };

/**
 * Reads a drizzle-kit configuration file (`--config`), as drizzle-kit users write it: `schema`
 * (one module), `out` (the migrations folder; paths relative to the working directory, as
 * drizzle-kit takes them) and `dbCredentials` (`url`, or host/port/user/password/database).
 *
 * @example const { schema, out, url } = await readDrizzleConfig('drizzle.config.ts', process.cwd());
 */
export async function readDrizzleConfig(file: string, cwd: string): Promise<DrizzleConfigSettings> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  if (!existsSync(path)) throw new SmartemDbError('CONFIG_INVALID', `--config: ${path} does not exist.`);
  let loaded: { default?: unknown };
  try {
    loaded = (await importModule(path)) as { default?: unknown };
  } catch (error) {
    if (error instanceof SmartemDbError) throw error;
    throw new SmartemDbError('CONFIG_INVALID', `--config: cannot load ${path}: ${(error as Error).message}`);
  }
  const config = await validated(
    `--config: ${path}`,
    loaded.default ?? loaded,
    (z) =>
      // drizzle-kit's other keys (strict, verbose, tablesFilter, ...) are drizzle-kit's business.
      z.looseObject({
        dialect: z
          .literal('postgresql', { error: 'smartem-db works with PostgreSQL only: expected "postgresql"' })
          .optional(),
        schema: z
          .union([z.string(), z.array(z.string())])
          .refine((schema) => !Array.isArray(schema) || schema.length <= 1, {
            error: 'point schema at one module that exports every table',
          })
          .optional(),
        out: z.string().optional(),
        dbCredentials: z
          .union(
            [
              z.looseObject({ url: z.string() }),
              z.looseObject({
                host: z.string(),
                port: z.union([z.number().int(), z.string()]).optional(),
                user: z.string().optional(),
                password: z.string().optional(),
                database: z.string(),
                ssl: z.unknown().optional(),
              }),
            ],
            { error: 'expected { url } or { host, database } (with port, user, password, ssl as needed)' },
          )
          .optional(),
      }),
    'CONFIG_INVALID',
  );
  const schema = Array.isArray(config.schema) ? config.schema[0] : config.schema;
  return {
    ...(schema ? { schema: resolve(cwd, schema) } : {}),
    ...(config.out ? { out: resolve(cwd, config.out) } : {}),
    ...(config.dbCredentials ? { url: credentialsUrl(config.dbCredentials) } : {}),
  };
}

function credentialsUrl(credentials: Credentials): string {
  if ('url' in credentials) return credentials.url;
  const url = new URL('postgres://localhost');
  url.hostname = credentials.host;
  if (credentials.port) url.port = String(credentials.port);
  if (credentials.user) url.username = encodeURIComponent(credentials.user);
  if (credentials.password) url.password = encodeURIComponent(credentials.password);
  url.pathname = `/${encodeURIComponent(credentials.database)}`;
  if (credentials.ssl === true || credentials.ssl === 'require') url.searchParams.set('sslmode', 'require');
  return url.toString();
}
