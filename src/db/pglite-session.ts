import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { packageDirOf, writeFileAtomically } from '../files/files.js';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importOptional } from '../optional-dependency.js';
import { lockDirectory } from './directory-lock.js';
import type { DbSession, PipelinedQuery } from './session.js';
import { quoteIdent } from '../sql/quote.js';
import { isLongLived } from '../config/process-lifetime.js';

/**
 * Opens the embedded PGlite database kept in `dataDir` (created on first use), or a new
 * in-memory one when `dataDir` is undefined (a scratch database). It needs no server, so a new
 * user can run migrations on a fresh machine; it is one process's database.
 *
 * @example const session = await openEmbeddedSession('.smartem-db/pglite');
 */
export async function openEmbeddedSession(
  dataDir: string | undefined,
  options: { template?: string; dump?: Uint8Array; dumpSha256?: string } = {},
): Promise<DbSession> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const shown = dataDir ? relative(process.cwd(), dataDir) || dataDir : '';
  const label = dataDir
    ? `embedded PGlite database in ${shown.startsWith('..') ? dataDir : shown}`
    : 'in-memory PGlite database';
  const release = dataDir ? lockDirectory(dataDir, `The ${label}`) : () => {};
  try {
    return await open(
      dataDir,
      label,
      release,
      options.dump ?? options.template ?? scratchTemplatePath(),
      options.dumpSha256,
    );
  } catch (error) {
    release();
    throw error;
  }
}

async function open(
  dataDir: string | undefined,
  label: string,
  release: () => void,
  /** A scratch database's start: the path of a kept empty data directory, or a data directory's bytes. */
  from: string | Uint8Array,
  /** The checksum of `from`'s bytes, when the caller knows it: a long-lived process may have booted it ahead. */
  fromSha256?: string,
): Promise<DbSession> {
  const { PGlite } = await importOptional(
    () => import('@electric-sql/pglite'),
    ['@electric-sql/pglite'],
    dataDir
      ? 'The embedded database (no DATABASE_URL or POSTGRES_* configured)'
      : 'A scratch database without a server (no SHADOW_DATABASE_URL or configured server)',
  );
  const warm = isLongLived() ? await compiledPglite() : {};
  const booted = dataDir
    ? null
    : typeof from === 'string'
      ? await takeAhead(`empty:${from}`)
      : fromSha256
        ? await takeAhead(`dump:${fromSha256}`)
        : null;
  const db =
    booted ??
    (dataDir
      ? await PGlite.create(dataDir, warm)
      : typeof from === 'string'
        ? await createScratch(PGlite, from, warm)
        : await PGlite.create({ loadDataDir: new Blob([from as Uint8Array<ArrayBuffer>]), ...warm }));
  let noticeListener: ((message: string) => void) | undefined;
  const notices = () =>
    noticeListener ? { onNotice: (n: { message?: string }) => noticeListener?.(n.message ?? '') } : {};
  return {
    label,
    embedded: true,
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await db.query<T>(text, params as unknown[])).rows;
    },
    async exec(text: string) {
      await db.exec(text, notices());
    },
    onNotice(listener) {
      noticeListener = listener;
    },
    async values(text: string, params: readonly unknown[] = []) {
      return (await db.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows;
    },
    async copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string> | Iterable<string>) {
      // PGlite has no COPY FROM STDIN: it reads COPY's input from a blob, loaded a few megabytes at a time.
      const copy = `COPY ${table} (${columns.map(quoteIdent).join(', ')}) FROM '/dev/blob'`;
      let rows = 0;
      let pending: string[] = [];
      let size = 0;
      const load = async () => {
        if (pending.length === 0) return;
        await db.query(copy, [], { blob: new Blob([pending.join('')]) });
        pending = [];
        size = 0;
      };
      for await (const chunk of chunks) {
        pending.push(chunk);
        size += chunk.length;
        for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) rows++;
        if (size > 4_000_000) await load();
      }
      await load();
      return rows;
    },
    async pipeline(queries: readonly PipelinedQuery[]) {
      // In process: no round trips to save, so one at a time, stopping at the first failure.
      for (const [index, q] of queries.entries()) {
        try {
          await db.query(q.text, (q.params ?? []) as unknown[]);
        } catch (error) {
          return { index, error };
        }
      }
      return undefined;
    },
    async close() {
      try {
        await db.close();
      } finally {
        release();
      }
    },
    async dumpDataDir(compression: 'gzip' | 'none' = 'gzip') {
      const blob = await db.dumpDataDir(compression);
      return new Uint8Array(await blob.arrayBuffer());
    },
  };
}

type PGliteClass = typeof import('@electric-sql/pglite').PGlite;

/**
 * A new in-memory PGlite, booted from a copy of an empty, initialised data directory kept in the
 * system's temporary folder (one per PGlite version): initdb in WebAssembly takes seconds, loading
 * the copy well under one. The first boot makes the copy; a copy that does not load is made again.
 */
async function createScratch(PGlite: PGliteClass, template: string, warm: WarmPglite) {
  if (existsSync(template)) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]), ...warm });
    } catch {
      rmSync(template, { force: true });
    }
  }
  const db = await PGlite.create(warm);
  try {
    const dump = await db.dumpDataDir('none');
    writeFileAtomically(template, new Uint8Array(await dump.arrayBuffer()));
  } catch {
    // No copy kept: the next scratch database boots from nothing again, as it always could.
  }
  return db;
}

type WarmPglite = { pgliteWasmModule?: WebAssembly.Module; fsBundle?: Blob };
let compiled: Promise<WarmPglite> | undefined;

/**
 * PGlite's WebAssembly compiled once and its file bundle read once, for every instance a
 * long-lived process (the CLI's daemon) boots: each instance would otherwise compile its 8 MB
 * module anew, and V8's optimised code for it would start over each time. Nothing when the
 * installed PGlite keeps its files elsewhere (it then loads its own, as it always does).
 */
function compiledPglite(): Promise<WarmPglite> {
  compiled ??= (async () => {
    try {
      const dist = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
      const [wasm, data] = [join(dist, 'pglite.wasm'), join(dist, 'pglite.data')];
      if (!existsSync(wasm) || !existsSync(data)) return {};
      return {
        pgliteWasmModule: await WebAssembly.compile(readFileSync(wasm)),
        fsBundle: new Blob([readFileSync(data)]),
      };
    } catch {
      return {};
    }
  })();
  return compiled;
}

type PGliteInstance = InstanceType<PGliteClass>;
let lastDump: { sha256: string; bytes: Uint8Array } | undefined;
/** Instances booted ahead, by what they were booted from: `dump:<checksum>`, or `empty:<template path>`. */
const ahead = new Map<string, Promise<PGliteInstance | null>>();

/**
 * Notes a kept data directory just booted from or written (a replay's copy): in a long-lived
 * process it is the one the next command most likely boots, and bootAhead boots it while the
 * process waits. Nothing in a process of one command.
 */
export function noteKeptDump(sha256: string, bytes: Uint8Array): void {
  if (isLongLived()) lastDump = { sha256, bytes };
}

/**
 * Boots, in the background, what the next command most likely asks for: the data directory
 * noteKeptDump saw last, and an empty database from the kept template (for the model, so it
 * needs no emptying beside the replay). The next scratch database asked for from the same bytes
 * (the same checksum, the same template file) is that instance, untouched since its boot, so no
 * different from one booted then (`warm` may read its catalogs, which changes nothing in it but
 * its caches); a dump asked for by another checksum closes the one booted ahead. Called by the CLI's daemon once a command has answered; nothing before the process has
 * used a kept copy. Resolves once they are booted.
 */
export function bootAhead(
  warm?: (db: Pick<DbSession, 'query' | 'exec'>) => Promise<unknown>,
  /** Whether to boot the empty one too: not while the process holds the model's own (model-keep.ts). */
  empty = true,
): Promise<void> {
  if (!lastDump) return Promise.resolve();
  const { sha256, bytes } = lastDump;
  for (const key of ahead.keys()) if (key.startsWith('dump:') && key !== `dump:${sha256}`) void discard(key);
  if (!ahead.has(`dump:${sha256}`))
    ahead.set(
      `dump:${sha256}`,
      bootFrom(() => bytes, warm),
    );
  return Promise.all([ahead.get(`dump:${sha256}`), empty ? bootEmptyAhead(warm) : null]).then(() => {});
}

/** An empty database booted ahead from the kept template, as bootAhead boots one (also a daemon's first command's). */
export function bootEmptyAhead(warm?: (db: Pick<DbSession, 'query' | 'exec'>) => Promise<unknown>): Promise<void> {
  const template = scratchTemplatePath();
  const key = `empty:${template}`;
  if (!isLongLived() || !existsSync(template)) return Promise.resolve();
  if (!ahead.has(key))
    ahead.set(
      key,
      bootFrom(() => readFileSync(template), warm),
    );
  return ahead.get(key)!.then(() => {});
}

/** A PGlite booted from the bytes `read` gives, warmed by `warm`; null when it does not boot. */
function bootFrom(
  read: () => Uint8Array,
  warm?: (db: Pick<DbSession, 'query' | 'exec'>) => Promise<unknown>,
): Promise<PGliteInstance | null> {
  return (async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create({
      loadDataDir: new Blob([read() as Uint8Array<ArrayBuffer>]),
      ...(await compiledPglite()),
    });
    // Read-only catalog queries fill the new backend's caches, as a first command would.
    await warm?.({
      query: async <T extends object>(text: string, params: readonly unknown[] = []) =>
        (await db.query<T>(text, params as unknown[])).rows,
      exec: async (text: string) => void (await db.exec(text)),
    }).catch(() => {});
    return db;
  })().catch(() => null);
}

/** Whether an empty database from `template` was booted ahead (the model's own database costs nothing to make then). */
export function emptyBootedAhead(template = scratchTemplatePath()): boolean {
  return ahead.has(`empty:${template}`);
}

/** The instance booted ahead from `key`, taken (null when there is none, or its boot failed). */
async function takeAhead(key: string): Promise<PGliteInstance | null> {
  const db = ahead.get(key);
  ahead.delete(key);
  return db ?? null;
}

async function discard(key: string): Promise<void> {
  const db = await takeAhead(key);
  await db?.close().catch(() => {});
}

/** Where the copy of an empty PGlite data directory is kept (a test may give another: `template`). */
export function scratchTemplatePath(): string {
  return scratchCopyPath('empty');
}

/** Where a kept copy of a PGlite data directory named `what` is, in the system's temporary folder. */
export function scratchCopyPath(what: string): string {
  return join(tmpdir(), `smartem-db-pglite-${pgliteVersion()}-${process.getuid?.() ?? 'user'}-${what}.tar`);
}

/** The installed PGlite's version: a data directory belongs to the version that wrote it. */
function pgliteVersion(): string {
  try {
    const dir = packageDirOf(dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))));
    return dir
      ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
      : 'unknown';
  } catch {
    return 'unknown';
  }
}
