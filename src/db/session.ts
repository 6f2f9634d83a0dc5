/**
 * One database connection, the only thing the runner talks to. Session-level state (the advisory
 * lock, BEGIN/COMMIT, SET) needs every call to reach the same backend, so implementations hold
 * exactly one connection.
 */
export interface DbSession {
  /** A description safe to print: a redacted URL or the embedded data directory. */
  readonly label: string;
  readonly embedded: boolean;
  /** One statement, with $1-style parameters. */
  query<T extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** One or more statements without parameters, sent with the simple query protocol. */
  exec(text: string): Promise<void>;
  /** One statement whose rows come back as arrays of values, in column order (names may repeat). */
  values(text: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /**
   * COPY table (columns) FROM STDIN: `chunks` are lines in COPY's text format (tab-separated, \N
   * for null), streamed with backpressure. Returns the number of rows loaded.
   */
  copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string> | Iterable<string>): Promise<number>;
  /**
   * Sends single statements in order without waiting for each answer (on a server, one round trip
   * per batch) and reports the first that failed, with its error. After a failure, later queries
   * may have run (and failed, in an aborted transaction) or not: the caller ends the transaction.
   */
  pipeline(queries: readonly PipelinedQuery[]): Promise<PipelineFailure | undefined>;
  close(): Promise<void>;
  /** Another connection to the same database (to probe for a pooler); absent where there is none to open. */
  openSibling?(): Promise<DbSession>;
  /**
   * Where the server's notices (RAISE NOTICE) go from now on; undefined drops them. Absent on a
   * borrowed application connection, whose notices are the application's.
   */
  onNotice?(listener: ((message: string) => void) | undefined): void;
  /** The embedded database's whole data directory as a gzipped tarball (its backup). */
  dumpDataDir?(compression?: 'gzip' | 'none'): Promise<Uint8Array>;
}

export interface PipelinedQuery {
  text: string;
  params?: readonly unknown[];
}

interface PipelineFailure {
  /** The index of the first query that failed. */
  index: number;
  error: unknown;
}

/** The fields of a PostgreSQL error that both drivers report (postgres.js and PGlite). */
interface PgErrorFields {
  message: string;
  code?: string;
  position?: string | number;
  detail?: string;
  hint?: string;
  where?: string;
}

export function asPgError(error: unknown): PgErrorFields {
  if (error && typeof error === 'object' && 'message' in error) return error as PgErrorFields;
  return { message: String(error) };
}

/** The SQLSTATE of a failed query, if the server sent one (also under a wrapper's `cause`: drizzle's query errors). */
export function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = asPgError(e).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * A statement that tidies up after work or after a failure (ROLLBACK, RESET): when the connection
 * itself failed it fails too, and the error that ended the work is the one to report; the server
 * undoes the transaction and the session's settings with the connection anyway.
 */
export async function tidyUp(session: DbSession, sql: string): Promise<void> {
  await session.exec(sql).catch(() => undefined);
}
