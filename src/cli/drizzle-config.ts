import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { SmartemDbError } from '../errors.js';
import { importModule } from '../drizzle-model/load-schema.js';

/** What smartem-db takes from a drizzle.config.ts. */
export interface DrizzleConfigSettings {
  /** The Drizzle model module. */
  schema?: string;
  /** The migrations folder (drizzle-kit's `out`). */
  out?: string;
  /** The database, from `dbCredentials`. */
  url?: string;
}

interface Credentials {
  url?: string;
  host?: string;
  port?: number | string;
  user?: string;
  password?: string;
  database?: string;
  ssl?: unknown;
}

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
  const config = (loaded.default ?? loaded) as {
    schema?: string | string[];
    out?: string;
    dbCredentials?: Credentials;
    dialect?: string;
  };
  if (config.dialect && config.dialect !== 'postgresql') {
    throw new SmartemDbError(
      'CONFIG_INVALID',
      `--config: ${path} is for dialect "${config.dialect}"; smartem-db works with PostgreSQL only.`,
    );
  }
  if (Array.isArray(config.schema) && config.schema.length > 1) {
    throw new SmartemDbError(
      'CONFIG_INVALID',
      `--config: ${path} lists ${config.schema.length} schema files; point schema at one module that exports them all.`,
    );
  }
  const schema = Array.isArray(config.schema) ? config.schema[0] : config.schema;
  return {
    ...(schema ? { schema: resolve(cwd, schema) } : {}),
    ...(config.out ? { out: resolve(cwd, config.out) } : {}),
    ...(config.dbCredentials ? { url: credentialsUrl(config.dbCredentials, path) } : {}),
  };
}

function credentialsUrl(credentials: Credentials, path: string): string {
  if (credentials.url) return credentials.url;
  if (!credentials.host || !credentials.database) {
    throw new SmartemDbError(
      'CONFIG_INVALID',
      `--config: dbCredentials in ${dirname(path)} needs url, or host and database.`,
    );
  }
  const url = new URL('postgres://localhost');
  url.hostname = credentials.host;
  if (credentials.port) url.port = String(credentials.port);
  if (credentials.user) url.username = encodeURIComponent(credentials.user);
  if (credentials.password) url.password = encodeURIComponent(credentials.password);
  url.pathname = `/${encodeURIComponent(credentials.database)}`;
  if (credentials.ssl === true || credentials.ssl === 'require') url.searchParams.set('sslmode', 'require');
  return url.toString();
}
