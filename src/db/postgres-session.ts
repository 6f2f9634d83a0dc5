import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import postgres from 'postgres';
import { quoteIdent } from '../sql/quote.js';
import { SmartemDbError } from '../errors.js';
import { assertConnectionUrl, serverAddress } from './connection-url.js';
import { passwordOf, redactSecrets, redactUrl } from './redact.js';
import { asPgError, type DbSession, type PipelinedQuery } from './session.js';

interface ServerSessionOptions {
  /** How long to wait for the server to accept a connection. */
  connectTimeoutSeconds?: number;
  /** Where the URL came from, for error messages (e.g. "DATABASE_URL (.env.local)"). */
  source?: string;
}

/**
 * Opens a single-connection session on a PostgreSQL server. The connection is made by the first
 * query (no extra ping: the no-op path of migrate() is one round trip after connecting), and a
 * failure to connect becomes CONNECTION_FAILED naming the redacted URL and where it came from.
 *
 * @example const session = await openServerSession('postgres://app@127.0.0.1/smartem');
 */
export async function openServerSession(url: string, options: ServerSessionOptions = {}): Promise<DbSession> {
  assertConnectionUrl(url, options.source ?? 'the connection URL');
  const address = serverAddress(url);
  const secrets = [passwordOf(url), address.password].filter((s): s is string => !!s);
  const label = redactUrl(url);
  const seconds = options.connectTimeoutSeconds ?? 10;
  let handshakeDone = false;
  let noticeListener: ((message: string) => void) | undefined;
  // Options, not the URL: postgres.js reads a URL its own way (a `?host=` becomes a server setting).
  const sql = postgres({
    ...(address.host ? { host: address.host } : {}),
    ...(address.port ? { port: address.port } : {}),
    ...(address.database ? { database: address.database } : {}),
    ...(address.username ? { username: address.username } : {}),
    ...(address.password ? { password: address.password } : {}),
    ...(address.ssl !== undefined ? { ssl: address.ssl } : {}),
    max: 1,
    connect_timeout: seconds,
    idle_timeout: 0,
    // The runner reads only text, ints, booleans and timestamps: skip the pg_type round trip.
    fetch_types: false,
    onnotice: (notice) => noticeListener?.(String(notice.message ?? '')),
    // A server sends its parameters once the startup handshake succeeds.
    onparameter: () => {
      handshakeDone = true;
    },
    connection: { application_name: 'smartem-db', ...address.params },
  });
  // postgres.js reconnects without end while a peer accepts connections and then closes them
  // during the handshake (something that is not PostgreSQL, an HTTP server say). Bound the
  // handshake: no server parameters within the connect timeout, give up.
  const guard = <T>(work: Promise<T>): Promise<T> => {
    if (handshakeDone) return work;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          if (handshakeDone) return;
          void sql.end({ timeout: 0 });
          reject(
            Object.assign(new Error(`no PostgreSQL handshake within ${seconds} s`), { code: 'NOT_POSTGRES', seconds }),
          );
        },
        seconds * 1000 + 1000,
      );
      work.then(
        (value) => (clearTimeout(timer), resolve(value)),
        (error: unknown) => (clearTimeout(timer), reject(error)),
      );
    });
  };
  const session = wrap(sql, label, secrets, () => sql.end({ timeout: 5 }), options.source, guard);
  return {
    ...session,
    onNotice: (listener) => void (noticeListener = listener),
    openSibling: () => openServerSession(url, options),
  };
}

/**
 * Borrows one connection of an application's own postgres.js pool for the duration of the work,
 * and gives it back on close(); the pool itself stays open.
 */
export async function borrowSession(pool: postgres.Sql): Promise<DbSession> {
  const options = pool.options as { host?: string[]; port?: number[]; database?: string; user?: string };
  const label = `postgres://${options.user ?? ''}@${options.host?.[0] ?? 'localhost'}:${options.port?.[0] ?? 5432}/${options.database ?? ''}`;
  let reserved: postgres.ReservedSql;
  try {
    reserved = await pool.reserve();
  } catch (error) {
    throw connectionError(error, label, 'the given postgres.js client', []);
  }
  return wrap(
    reserved,
    label,
    [],
    async () => reserved.release(),
    'the given postgres.js client',
    (work) => work,
  );
}

const PIPELINE_BATCH = 2000;

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Errors that mean "no usable connection", as opposed to a statement that failed. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'SASL_SIGNATURE_MISMATCH',
  'AUTH_TYPE_NOT_IMPLEMENTED',
  'NOT_POSTGRES',
  '28000',
  '28P01',
  '3D000',
  '53300',
  '57P03',
]);

function wrap(
  sql: postgres.Sql,
  label: string,
  secrets: string[],
  close: () => Promise<void>,
  source: string | undefined,
  guard: <T>(work: Promise<T>) => Promise<T>,
): DbSession {
  const scrub = (error: unknown): unknown => {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) return connectionError(error, label, source, secrets);
    if (secrets.length > 0 && error instanceof Error) error.message = redactSecrets(error.message, secrets);
    return error;
  };
  return {
    label,
    embedded: false,
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      try {
        return (await guard(
          sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false }).execute(),
        )) as unknown as T[];
      } catch (error) {
        throw scrub(error);
      }
    },
    async exec(text: string) {
      try {
        await guard(sql.unsafe(text).simple().execute());
      } catch (error) {
        throw scrub(error);
      }
    },
    async values(text: string, params: readonly unknown[] = []) {
      try {
        return (await guard(
          sql
            .unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false })
            .values()
            .execute(),
        )) as unknown as unknown[][];
      } catch (error) {
        throw scrub(error);
      }
    },
    async copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string> | Iterable<string>) {
      try {
        const stream = await guard(
          sql.unsafe(`COPY ${table} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`).writable(),
        );
        const done = finished(stream);
        let rows = 0;
        for await (const chunk of chunks) {
          rows += countLines(chunk);
          if (!stream.write(chunk)) await once(stream, 'drain');
        }
        stream.end();
        await done;
        return rows;
      } catch (error) {
        throw scrub(error);
      }
    },
    async pipeline(queries: readonly PipelinedQuery[]) {
      // postgres.js writes queries issued together on one connection without waiting for answers.
      // Batches bound the memory a very long script (a data migration) holds in flight.
      for (let start = 0; start < queries.length; start += PIPELINE_BATCH) {
        const batch = queries.slice(start, start + PIPELINE_BATCH);
        let settled: PromiseSettledResult<unknown>[];
        try {
          settled = await guard(
            Promise.allSettled(
              batch.map((q) =>
                sql.unsafe(q.text, (q.params ?? []) as postgres.ParameterOrJSON<never>[], { prepare: false }),
              ),
            ),
          );
        } catch (error) {
          throw scrub(error);
        }
        const failed = settled.findIndex((r) => r.status === 'rejected');
        if (failed >= 0)
          return { index: start + failed, error: scrub((settled[failed] as PromiseRejectedResult).reason) };
      }
      return undefined;
    },
    close,
  };
}

function connectionError(error: unknown, label: string, source: string | undefined, secrets: string[]): SmartemDbError {
  const pg = asPgError(error);
  const code = (error as { code?: string }).code;
  const reason =
    code === 'ECONNREFUSED'
      ? 'the server refused the connection (is PostgreSQL running and listening there?)'
      : code === 'NOT_POSTGRES'
        ? `nothing answered as PostgreSQL within the connect timeout (${(error as { seconds?: number }).seconds} s): something accepts connections ` +
          'there but does not complete a PostgreSQL handshake. Is the host or port that of another service?'
        : code === 'CONNECT_TIMEOUT'
          ? 'no answer before the connect timeout (is the host reachable?)'
          : code === 'ENOTFOUND'
            ? 'the host name does not resolve'
            : code === '28P01'
              ? 'password authentication failed (check the user and password)'
              : code === '3D000'
                ? `${pg.message} (create it, or point the URL at an existing database)`
                : pg.message;
  const from = source ? ` (from ${source})` : '';
  return new SmartemDbError(
    'CONNECTION_FAILED',
    redactSecrets(`Cannot connect to ${label}${from}: ${reason}`, secrets),
    {
      cause: scrubbedCopy(error, secrets),
    },
  );
}

/**
 * The driver's error as a cause that is safe to print (util.inspect shows a cause's message and
 * its own fields, where a driver may keep the connection string).
 */
function scrubbedCopy(error: unknown, secrets: string[]): Error {
  const pg = asPgError(error);
  const copy = new Error(redactSecrets(pg.message, secrets));
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
