import { randomBytes } from 'node:crypto';
import { emptyBootedAhead, openEmbeddedSession } from '../db/pglite-session.js';
import { openServerSession } from '../db/postgres-session.js';
import { redactUrl } from '../db/redact.js';
import type { DbSession } from '../db/session.js';
import { quoteIdent } from '../sql/quote.js';
import { SmartemDbError } from '../errors.js';
import { USER_OBJECTS_SQL } from './empty-database.js';
import { KEPT_AT_SQL } from './kept-databases.js';
import { isLongLived } from '../config/process-lifetime.js';

interface CreateOptions {
  embeddedDump?: Uint8Array;
  /** The checksum of embeddedDump's bytes, when known (a daemon may have booted them ahead). */
  embeddedDumpSha256?: string;
  noteEmpty?: boolean;
}

/** Where scratch databases are made: new databases on a server, or in-memory PGlite. */
export type ScratchTarget = { kind: 'server'; url: string; source: string } | { kind: 'embedded' };

/**
 * Runs `work` with `count` new, empty scratch databases and drops them afterwards, also when
 * `work` fails. On a server they are `CREATE DATABASE smartem_scratch_<pid>_<random>` (the user needs
 * CREATEDB); embedded, they are in-memory PGlite instances.
 *
 * @example await withScratchDatabases({ kind: 'embedded' }, 2, async ([a, b]) => { ... });
 */
export async function withScratchDatabases<T>(
  target: ScratchTarget,
  count: number,
  work: (sessions: DbSession[]) => Promise<T>,
): Promise<T> {
  const pool = new ScratchPool(target);
  try {
    // Made at the same time; any that were made are dropped below if another failed.
    const made = await Promise.allSettled(Array.from({ length: count }, () => pool.create()));
    const failed = made.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    return await work(made.map((m) => (m as PromiseFulfilledResult<DbSession>).value));
  } finally {
    await pool.close();
  }
}

/**
 * The scratch databases of one command: made empty (embedded: from a data directory, if given) or,
 * on a server, taken from where a run kept one; all closed and dropped by close(), whatever
 * happened in between, but those kept again (keep()).
 *
 * @example const pool = new ScratchPool(target); try { const db = await pool.create(); ... } finally { await pool.close(); }
 */
export class ScratchPool {
  private readonly sessions = new Set<DbSession>();
  private readonly created = new Set<string>();
  private readonly names = new Map<DbSession, string>();
  private readonly madeEmpty = new WeakSet<DbSession>();
  private readonly handedOver = new Map<DbSession, (session: DbSession) => void>();
  /** Databases kept at close() instead of dropped (keepAtClose), by their scratch name. */
  private readonly keptAtClose = new Map<string, KeepAs>();

  /** Whether any scratch database was asked for. */
  used = false;
  /**
   * Set by close(), which first waits for the databases being made or taken (`making`), so those
   * are closed and dropped with the rest instead of outliving the command (one that failed
   * meanwhile exits next); whoever asked for them gets an error instead.
   */
  private closed = false;
  private readonly making = new Set<Promise<unknown>>();

  constructor(readonly target: ScratchTarget) {}

  /**
   * A new, empty scratch database (embedded: booted from `embeddedDump`, a data directory, when
   * given). `noteEmpty`: find out, before anything is put in it, whether it began with no objects
   * of its own (bornEmpty), for a replay the model may later be built beside.
   */
  create(options: CreateOptions = {}): Promise<DbSession> {
    return this.tracked(this.createNow(options));
  }

  private async createNow(options: CreateOptions): Promise<DbSession> {
    if (this.closed) throw closedError();
    this.used = true;
    if (this.target.kind === 'embedded') {
      const session = await openEmbeddedSession(
        undefined,
        options.embeddedDump
          ? {
              dump: options.embeddedDump,
              ...(options.embeddedDumpSha256 ? { dumpSha256: options.embeddedDumpSha256 } : {}),
            }
          : {},
      );
      this.sessions.add(session);
      // PGlite's own initdb, or a kept copy of a database that began as one: nothing in it was a template's.
      this.madeEmpty.add(session);
      return this.unlessClosed(session);
    }
    if (isLongLived()) lastServer = this.target;
    const ahead = await takeServerAhead(this.target.url);
    const session = ahead
      ? this.unlessClosed(this.takeFrom(ahead))
      : await this.connect(this.unlessClosed(await this.make()));
    if (!options.noteEmpty) return session;
    // A server's template1 may hold objects of its own (an extension installed there): then a
    // database emptied of everything is not what a new one is.
    const [found] = await session.query<{ n: number }>(USER_OBJECTS_SQL);
    if (Number(found?.n) === 0) this.madeEmpty.add(session);
    return session;
  }

  /** Whether a new database costs nothing to make: one booted or made ahead by the CLI's daemon. */
  emptyReadyAhead(): boolean {
    return this.target.kind === 'embedded' ? emptyBootedAhead() : serverAhead.has(this.target.url);
  }

  /**
   * Whether the database `session` is on began with no objects of its own (made here, or kept by
   * a run that recorded so: markBornEmpty), so that emptying it gives what a new database is.
   */
  bornEmpty(session: DbSession): boolean {
    return this.madeEmpty.has(session);
  }

  /** Records that a kept database began empty (its comment said so when it was kept). */
  markBornEmpty(session: DbSession): void {
    this.madeEmpty.add(session);
  }

  /**
   * Takes the first of the kept databases `candidates` there is for this run (server only), or
   * the newest of the current user's whose name begins with `prefix`, with the comment it was
   * kept with and its index among them: renamed to a scratch name, so no other run takes it too,
   * and dropped at close() unless kept again; null when there is none.
   */
  takeKept(
    candidates: readonly string[] | { prefix: string },
  ): Promise<{ session: DbSession; comment: string | null; index: number } | null> {
    return this.tracked(this.takeKeptNow(candidates));
  }

  private async takeKeptNow(
    wanted: readonly string[] | { prefix: string },
  ): Promise<{ session: DbSession; comment: string | null; index: number } | null> {
    if (this.target.kind !== 'server' || this.closed) return null;
    this.used = true;
    if (isLongLived()) lastServer = this.target;
    const name = scratchName();
    const admin = await openServerSession(this.target.url, { source: this.target.source });
    let taken: { comment: string | null; index: number } | undefined;
    try {
      // Names first; the comment of the one taken only (a kept model's holds its catalog).
      const byPrefix = 'prefix' in wanted;
      const rows = await admin.query<{ name: string }>(
        byPrefix
          ? // The newest kept first (its comment says when).
            `SELECT datname AS name FROM pg_database
              WHERE left(datname, length($1)) = $1 AND pg_catalog.pg_get_userbyid(datdba) = current_user
              ORDER BY ${KEPT_AT_SQL} DESC NULLS LAST`
          : `SELECT datname AS name FROM pg_database WHERE datname = ANY(string_to_array($1, ','))`,
        // Our names have no comma (replay names are hex).
        [byPrefix ? wanted.prefix : wanted.join(',')],
      );
      const found = new Set(rows.map((r) => r.name));
      const candidates = byPrefix ? rows.map((r) => r.name) : wanted.filter((w) => found.has(w));
      for (const candidate of candidates) {
        // Taken by a concurrent run between the query and now: the next one, then.
        const renamed = await admin.exec(`ALTER DATABASE ${quoteIdent(candidate)} RENAME TO ${quoteIdent(name)}`).then(
          () => true,
          () => false,
        );
        if (!renamed) continue;
        this.created.add(name);
        await admin.exec(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS true`);
        const [described] = await admin.query<{ comment: string | null }>(
          `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
          [name],
        );
        taken = { comment: described?.comment ?? null, index: (byPrefix ? candidates : wanted).indexOf(candidate) };
        break;
      }
    } catch {
      return null;
    } finally {
      await admin.close().catch(() => {});
    }
    return taken ? { session: await this.connect(name), ...taken } : null;
  }

  /**
   * Another connection to the scratch database `session` is on (server only; null embedded, or
   * for a database this pool did not make): closed with the rest, or by release().
   */
  async another(session: DbSession): Promise<DbSession | null> {
    const name = this.target.kind === 'server' ? this.names.get(session) : undefined;
    if (!name || this.closed) return null;
    try {
      return await this.tracked(this.connect(name));
    } catch {
      return null;
    }
  }

  /** The name of the scratch database `session` is connected to (server only). */
  nameOf(session: DbSession): string | undefined {
    return this.names.get(session);
  }

  /** Closes `session`; its database stays until close() drops it (or keep() keeps it). */
  async release(session: DbSession): Promise<void> {
    this.sessions.delete(session);
    await session.close().catch(() => {});
  }

  /**
   * Keeps the released scratch database `from` as `name` instead of dropping it, then runs
   * `setup` on it from another database: false when that name is taken (a concurrent run kept
   * the same state first) or the server refuses.
   */
  async keep(from: string, name: string, setup: string[]): Promise<boolean> {
    if (this.target.kind !== 'server' || !this.created.has(from)) return false;
    const admin = await openServerSession(this.target.url, { source: this.target.source });
    try {
      await admin.exec(`ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(name)}`);
      this.created.delete(from);
      for (const sql of setup) await admin.exec(sql).catch(() => {});
      return true;
    } catch {
      return false;
    } finally {
      await admin.close().catch(() => {});
    }
  }

  /**
   * Keeps the scratch database `session` is on as `name` instead of dropping it (keep(), with
   * `setup`), once nothing else is connected to it: in a process of one command at once, in a
   * long-lived one when the pool closes; `then` runs after a keep that went through.
   */
  keepAtClose(session: DbSession, name: string, setup: string[], then?: () => Promise<void>): void {
    const from = this.names.get(session);
    if (!from) return;
    const as = { name, setup, then };
    if (isLongLived()) {
      // A daemon keeps it once the answer is out, when it closes the pool.
      this.keptAtClose.set(from, as);
      return;
    }
    // A process of its own keeps it now, beside the rest of the command, rather than at its end;
    // close() waits for it, and drops it if it was not kept.
    void this.tracked(this.release(session).then(() => this.keepAs(from, as))).catch(() => {});
  }

  /** keep(), then what follows a keep that went through; false when it did not. */
  private async keepAs(from: string, as: KeepAs): Promise<boolean> {
    if (!(await this.keep(from, as.name, as.setup))) return false;
    await as.then?.().catch(() => {});
    return true;
  }

  /**
   * Hands the session over to `receive` when the pool closes, open, instead of closing it: an
   * embedded database a long-lived process keeps in memory for its next command (adopt() gives
   * it to that command's pool).
   */
  handOverAtClose(session: DbSession, receive: (session: DbSession) => void): void {
    this.handedOver.set(session, receive);
  }

  /** A session this pool did not make (one handed over before), closed with the rest unless handed over again. */
  adopt(session: DbSession): DbSession {
    if (this.closed) throw closedError();
    this.used = true;
    this.sessions.add(session);
    return session;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.making]);
    for (const [session, receive] of this.handedOver) {
      if (!this.sessions.delete(session)) continue;
      receive(session);
    }
    this.handedOver.clear();
    await Promise.all([...this.sessions].map((s) => s.close().catch(() => {})));
    this.sessions.clear();
    await Promise.all(
      [...this.created].map(async (name) => {
        const as = this.keptAtClose.get(name);
        if (!as || !(await this.keepAs(name, as))) await this.drop(name);
      }),
    );
    this.created.clear();
  }

  /**
   * An empty database made and connected now by a pool of its own (`holder`), for a later
   * command's pool to take (takeFrom): what makeAhead keeps. Dropped by closing the holder.
   */
  static async madeAhead(target: ServerTarget): Promise<MadeAhead> {
    const holder = new ScratchPool(target);
    try {
      return { holder, session: await holder.connect(await holder.make()) };
    } catch (error) {
      await holder.close();
      throw error;
    }
  }

  /** The database `made` holds, moved to this pool: closed and dropped by this pool's close(). */
  private takeFrom(made: MadeAhead): DbSession {
    const name = made.holder.names.get(made.session)!;
    made.holder.created.delete(name);
    made.holder.sessions.delete(made.session);
    this.created.add(name);
    this.names.set(made.session, name);
    this.sessions.add(made.session);
    return made.session;
  }

  /** Drops databases made ahead that no command took (a daemon that ends). */
  static async dropAhead(): Promise<void> {
    const all = [...serverAhead.values()];
    serverAhead.clear();
    await Promise.all(all.map(async (made) => (await made)?.holder.close()));
  }

  /** `made`, already registered for close() to close and drop, unless close() has begun. */
  private unlessClosed<T>(made: T): T {
    if (this.closed) throw closedError();
    return made;
  }

  private tracked<T>(work: Promise<T>): Promise<T> {
    this.making.add(work);
    const done = () => this.making.delete(work);
    work.then(done, done);
    return work;
  }

  private async make(): Promise<string> {
    const target = this.target as Extract<ScratchTarget, { kind: 'server' }>;
    const name = scratchName();
    // Each on its own connection, so databases are made (and dropped) at the same time.
    const maker = await openServerSession(target.url, { source: target.source });
    try {
      await maker.exec(`CREATE DATABASE ${quoteIdent(name)}`);
      this.created.add(name);
      return name;
    } catch (error) {
      throw new SmartemDbError(
        'SCRATCH_FAILED',
        `Cannot create a scratch database on ${redactUrl(target.url)} (from ${target.source}): ${(error as Error).message}. ` +
          'smartem-db needs a role with CREATEDB there, or set SHADOW_DATABASE_URL to a server where it may create databases.',
        { cause: error },
      );
    } finally {
      await maker.close();
    }
  }

  private async connect(name: string): Promise<DbSession> {
    const target = this.target as Extract<ScratchTarget, { kind: 'server' }>;
    const url = new URL(target.url);
    url.pathname = `/${name}`;
    const session = await openServerSession(url.toString(), { source: `a scratch database on ${target.source}` });
    this.names.set(session, name);
    this.sessions.add(session);
    return this.unlessClosed(session);
  }

  /**
   * Drops a scratch database, trying again a few times: a server out of connections for a moment
   * (too many clients) left databases behind, a hundred in one test run.
   */
  private async drop(name: string): Promise<void> {
    const target = this.target as Extract<ScratchTarget, { kind: 'server' }>;
    for (let attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * attempt));
      const dropper = await openServerSession(target.url, { source: target.source }).catch(() => undefined);
      if (!dropper) continue;
      try {
        await dropper.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        return;
      } catch {
        // Tried again.
      } finally {
        await dropper.close().catch(() => {});
      }
    }
  }
}

/** For work still running when the command's scratch databases were closed (it failed meanwhile): nobody awaits it but close(). */
function closedError(): Error {
  return new SmartemDbError('SCRATCH_FAILED', 'The scratch databases were closed while this one was being made.');
}

/** What keepAtClose keeps a database as: its name, the statements that set it up, and what follows. */
type KeepAs = { name: string; setup: string[]; then: (() => Promise<void>) | undefined };
type ServerTarget = Extract<ScratchTarget, { kind: 'server' }>;
type MadeAhead = { holder: ScratchPool; session: DbSession };
/** Empty server databases a long-lived process made ahead, connected, by the URL they were made from. */
const serverAhead = new Map<string, Promise<MadeAhead | null>>();
/** The server the last scratch database of a long-lived process was on. */
let lastServer: ServerTarget | undefined;

/** The database made ahead on `url`, taken (null when there is none, or making it failed). */
async function takeServerAhead(url: string): Promise<MadeAhead | null> {
  const made = serverAhead.get(url);
  serverAhead.delete(url);
  return made ?? null;
}

/**
 * Makes, in the background, an empty scratch database on the server the last command used (or
 * `on`), for the next command's model: CREATE DATABASE costs 0.1-0.4 s, which the model then
 * waits for no longer, and, with a database of its own, the model is built while the replay is
 * taken rather than after it, beside it. A new database made a moment earlier is the same new
 * database. Called by the CLI's daemon; ScratchPool.dropAhead drops it if none takes it.
 * Resolves once it is made.
 */
export function makeAhead(on: ServerTarget | undefined = lastServer): Promise<void> {
  if (!on || serverAhead.has(on.url)) return Promise.resolve();
  const made = ScratchPool.madeAhead(on).catch(() => null);
  serverAhead.set(on.url, made);
  return made.then(() => {});
}

/** A scratch database's name: this process's, and random. */
function scratchName(): string {
  return `smartem_scratch_${process.pid}_${randomBytes(4).toString('hex')}`;
}
