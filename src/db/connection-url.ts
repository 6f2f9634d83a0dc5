import { parse } from 'pg-connection-string';
import { SmartemDbError } from '../errors.js';
import { redactUrl } from './redact.js';

const URL_FORM = 'postgres://user:password@host:5432/database';

/**
 * What is wrong with a connection string, or undefined when it is a usable PostgreSQL URL. Every
 * source of a URL (--url, --db, --from-db, diff's --from/--to, DATABASE_URL, SHADOW_DATABASE_URL,
 * migrate({ url })) is checked here, so each gets the same answer. The URL is read as libpq reads
 * it (pg-connection-string): a password without a port, an empty password, `?host=` (also a Unix
 * socket's folder) and percent-encoding all work.
 *
 * @example connectionUrlProblem('postgres://app@db:99999/x') // 'the port must be a number from 1 to 65535'
 */
export function connectionUrlProblem(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') return `expected a URL of the form ${URL_FORM}`;
  if (!/^[a-z]+:\/\//i.test(url)) return `"${scheme}:" must be followed by "//" (${URL_FORM})`;
  // The authority, less the user and password (up to the last @, which a password may hold).
  const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(url)![1]!;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const port = /^(?:\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)?.[1];
  if (port !== undefined && port !== '' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return 'the port must be a number from 1 to 65535';
  }
  if (/%(?![0-9a-f]{2})/i.test(url)) return 'it has a "%" that does not start a percent escape (write % as %25)';
  try {
    parse(url);
  } catch {
    return `it is not a valid URL (${URL_FORM}; percent-encode special characters in the password)`;
  }
  return undefined;
}

/** The URL's query (`?a=b&c=d`), read without the WHATWG URL parser, which refuses `u:pw@/db`. */
function queryOf(url: string): URLSearchParams {
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1).split('#')[0]);
}

/** Throws CONFIG_INVALID naming where the URL came from, with the URL shown redacted. */
export function assertConnectionUrl(url: string, source: string): void {
  const problem = connectionUrlProblem(url);
  if (problem) {
    throw new SmartemDbError(
      'CONFIG_INVALID',
      `${source}: "${redactUrl(url)}" is not a PostgreSQL connection URL: ${problem}.`,
    );
  }
}

/** Query parameters that say where and how to connect, not settings for the server's session. */
const CONNECTION_KEYS = new Set([
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'password',
  'sslmode',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslnegotiation',
  'ssl',
  'connect_timeout',
  'target_session_attrs',
  'fallback_application_name',
  'keepalives',
  'uselibpqcompat',
]);

/** Where a checked URL (connectionUrlProblem) connects, as postgres.js takes it, not as it would read the URL itself. */
interface ServerAddress {
  host: string | undefined;
  port: number | undefined;
  database: string | undefined;
  username: string | undefined;
  password: string | undefined;
  ssl: boolean | 'require' | 'allow' | 'prefer' | 'verify-full' | undefined;
  /** The URL's sslmode as written, for libpq's programs (PGSSLMODE). */
  sslmode: string | undefined;
  /** Settings for the session (application_name, options, search_path ...). */
  params: Record<string, string>;
}

/**
 * A checked URL read as libpq reads it, for postgres.js's options: postgres.js would send `?host=`
 * to the server as a setting ("unrecognized configuration parameter host").
 *
 * @example serverAddress('postgresql://u:pw@/db?host=/var/run/postgresql') // { host: '/var/run/postgresql', ... }
 */
export function serverAddress(url: string): ServerAddress {
  const c = parse(url);
  const query = queryOf(url);
  const sslmode = query.get('sslmode');
  const params: Record<string, string> = {};
  for (const [key, value] of query) if (!CONNECTION_KEYS.has(key.toLowerCase())) params[key] = value;
  return {
    host: c.host || undefined,
    port: c.port ? Number(c.port) : undefined,
    database: query.get('dbname') || c.database || undefined,
    username: c.user || undefined,
    password: c.password || undefined,
    ssl:
      sslmode === null
        ? undefined
        : sslmode === 'disable'
          ? false
          : sslmode === 'require' || sslmode === 'allow' || sslmode === 'prefer'
            ? sslmode
            : 'verify-full',
    sslmode: sslmode ?? undefined,
    params,
  };
}

/**
 * `url` with another database, however the URL named it (its path, or `?dbname=`).
 *
 * @example withDatabase('postgres://u@h/postgres', 'smartem_scratch_1') // 'postgres://u@h/smartem_scratch_1'
 */
export function withDatabase(url: string, database: string): string {
  const query = queryOf(url);
  query.delete('dbname');
  const base = /^[a-z]+:\/\/[^/?#]*/i.exec(url)![0];
  const rest = query.toString();
  return `${base}/${encodeURIComponent(database)}${rest ? `?${rest}` : ''}`;
}
