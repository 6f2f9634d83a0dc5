import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { openEmbeddedSession } from '../db/pglite-session.js';
import { openServerSession } from '../db/postgres-session.js';
import { redactUrl } from '../db/redact.js';
import { withDatabase } from '../db/connection-url.js';
import { processRuns } from '../db/directory-lock.js';
import type { DbSession } from '../db/session.js';
import { quoteIdent } from '../sql/quote.js';
import { SmartemDbError } from '../errors.js';

/**
 * Where scratch databases are made: new databases on a server, or in-memory PGlite instances
 * (booted from `template`, a kept copy of an empty data directory, when given).
 */
export type ScratchTarget =
  { kind: 'server'; url: string; source: string } | { kind: 'embedded'; template?: string | undefined };

/**
 * Runs `work` with `count` new, empty scratch databases and drops them afterwards, also when
 * `work` fails.
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
 * The scratch databases of one command, made empty and all closed and dropped by close(),
 * whatever happened in between. On a server each is `smartem_scratch_<host>_<pid>_<random>`:
 * dropped on close(), on SIGINT and SIGTERM, and, when the process was killed outright, by the
 * next run on the same host that finds its process gone (dropOrphans).
 *
 * @example const pool = new ScratchPool(target); try { const db = await pool.create(); ... } finally { await pool.close(); }
 */
export class ScratchPool {
  private readonly sessions = new Set<DbSession>();
  private readonly created = new Set<string>();
  private closed = false;
  /** Work under way that makes a database: close() waits for it, so none outlives the pool. */
  private readonly making = new Set<Promise<unknown>>();

  constructor(readonly target: ScratchTarget) {}

  /** A new, empty scratch database. */
  create(): Promise<DbSession> {
    const work = this.createNow();
    this.making.add(work);
    const done = () => this.making.delete(work);
    work.then(done, done);
    return work;
  }

  private async createNow(): Promise<DbSession> {
    if (this.closed) throw closedError();
    if (this.target.kind === 'embedded') {
      const session = await openEmbeddedSession(
        undefined,
        this.target.template ? { template: this.target.template } : {},
      );
      this.sessions.add(session);
      return this.unlessClosed(session);
    }
    const name = await this.make(this.target);
    const session = await openServerSession(withDatabase(this.target.url, name), {
      source: `a scratch database on ${this.target.source}`,
    });
    this.sessions.add(session);
    return this.unlessClosed(session);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.making]);
    // A session that fails to close is gone with its database below (WITH FORCE).
    await Promise.allSettled([...this.sessions].map((s) => s.close()));
    this.sessions.clear();
    if (this.target.kind === 'server') {
      const target = this.target;
      await Promise.all([...this.created].map((name) => dropScratch(target, name)));
    }
    this.created.clear();
  }

  /** `made`, unless close() has begun (then close() closes and drops it). */
  private unlessClosed<T>(made: T): T {
    if (this.closed) throw closedError();
    return made;
  }

  private make(target: ServerTarget): Promise<string> {
    const work = this.makeNow(target);
    making.add(work);
    const done = () => making.delete(work);
    work.then(done, done);
    return work;
  }

  private async makeNow(target: ServerTarget): Promise<string> {
    if (stopping) throw closedError();
    const name = scratchName();
    // Each on its own connection, so databases are made (and dropped) at the same time.
    const maker = await openServerSession(target.url, { source: target.source });
    try {
      if (stopping) throw closedError();
      // Known before it exists: a signal that comes while it is being made drops it too.
      this.created.add(name);
      live.set(name, target);
      watchSignals();
      await maker.exec(`CREATE DATABASE ${quoteIdent(name)}`);
      return name;
    } catch (error) {
      if (stopping) throw error;
      this.created.delete(name);
      live.delete(name);
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
}

type ServerTarget = Extract<ScratchTarget, { kind: 'server' }>;

/** Scratch databases of this process that exist (or are being made) on a server, for the signal handler. */
const live = new Map<string, ServerTarget>();
/** CREATE DATABASEs under way: the signal handler waits for them before it drops. */
const making = new Set<Promise<unknown>>();
/** Set by a signal: no scratch database is made any more. */
let stopping = false;

/**
 * Drops a scratch database, trying again a few times: a server out of connections for a moment
 * (too many clients) would otherwise keep it.
 */
async function dropScratch(target: ServerTarget, name: string): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * attempt));
    let dropper: DbSession;
    try {
      dropper = await openServerSession(target.url, { source: target.source });
    } catch {
      continue; // the server refused a connection: tried again
    }
    try {
      await dropper.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      live.delete(name);
      unwatchSignalsWhenIdle();
      return;
    } catch {
      // tried again; after the last try the next run on this host drops it (dropOrphans)
    } finally {
      await dropper.close().catch(() => undefined); // the drop's outcome is what counts
    }
  }
}

/** This host, as a short tag in scratch names: a run drops only the orphans of its own host. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const SCRATCH_PREFIX = 'smartem_scratch_';

/** A scratch database's name: this host's, this process's, and random. */
function scratchName(): string {
  return `${SCRATCH_PREFIX}${HOST_TAG}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/**
 * Drops the scratch databases that runs on this host left when they were killed outright
 * (SIGKILL, a power cut): their process is gone. One query on a connection the caller has
 * open; a drop that fails (another role's database) is left for a run of that role.
 */
export async function dropOrphans(admin: DbSession): Promise<string[]> {
  const rows = await admin.query<{ name: string }>(
    `SELECT datname AS name FROM pg_database WHERE left(datname, length($1)) = $1`,
    [`${SCRATCH_PREFIX}${HOST_TAG}_`],
  );
  const dropped: string[] = [];
  for (const { name } of rows) {
    const pid = Number(name.slice(SCRATCH_PREFIX.length + HOST_TAG.length + 1).split('_')[0]);
    if (!Number.isInteger(pid) || processRuns(pid)) continue;
    try {
      // Its process is gone: what is still connected is that process's statement running on.
      await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      dropped.push(name);
    } catch {
      // Not ours to drop (another role's): left to a run of that role.
    }
  }
  return dropped;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let watching = false;

/**
 * On SIGINT, SIGTERM or SIGHUP while scratch databases exist: drop them, then let the signal do
 * what it would have done (end the process) unless the application listens for it itself.
 */
function watchSignals(): void {
  if (watching) return;
  watching = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function unwatchSignalsWhenIdle(): void {
  if (!watching || live.size > 0) return;
  watching = false;
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  stopping = true;
  void (async () => {
    await Promise.allSettled([...making]);
    await Promise.allSettled([...live].map(([name, target]) => dropScratch(target, name)));
  })().then(() => {
    for (const s of SIGNALS) process.off(s, onSignal);
    watching = false;
    // Nobody else listens: the default action, as if we had never listened.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** For work still running when the command's scratch databases were closed (it failed meanwhile): nobody awaits it but close(). */
function closedError(): Error {
  return new SmartemDbError('SCRATCH_FAILED', 'The scratch databases were closed while this one was being made.');
}
