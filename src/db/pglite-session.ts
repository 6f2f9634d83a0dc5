import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { packageDirOf, writeFileAtomically } from '../files/files.js';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importOptional } from '../optional-dependency.js';
import { lockDirectory } from './directory-lock.js';
import type { DbSession, PipelinedQuery } from './session.js';
import { quoteIdent } from '../sql/quote.js';

/**
 * Opens the embedded PGlite database kept in `dataDir` (created on first use), or a new
 * in-memory one when `dataDir` is undefined (a scratch database). It needs no server, so a new
 * user can run migrations on a fresh machine; it is one process's database.
 *
 * @example const session = await openEmbeddedSession('.smartem-db/pglite');
 */
export async function openEmbeddedSession(
  dataDir: string | undefined,
  options: { template?: string } = {},
): Promise<DbSession> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const shown = dataDir ? relative(process.cwd(), dataDir) || dataDir : '';
  const label = dataDir
    ? `embedded PGlite database in ${shown.startsWith('..') ? dataDir : shown}`
    : 'in-memory PGlite database';
  const release = dataDir ? lockDirectory(dataDir, `The ${label}`) : () => {};
  try {
    return await open(dataDir, label, release, options.template);
  } catch (error) {
    release();
    throw error;
  }
}

async function open(
  dataDir: string | undefined,
  label: string,
  release: () => void,
  /** A scratch database's start: the path of a kept empty data directory (made on first use). */
  template: string | undefined,
): Promise<DbSession> {
  const { PGlite } = await importOptional(
    () => import('@electric-sql/pglite'),
    ['@electric-sql/pglite'],
    dataDir
      ? 'The embedded database (no DATABASE_URL or POSTGRES_* configured)'
      : 'A scratch database without a server (no SHADOW_DATABASE_URL or configured server)',
  );
  const db = dataDir
    ? await PGlite.create(dataDir)
    : template
      ? await createScratch(PGlite, template)
      : await PGlite.create();
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

/** A scratch database holds a schema and a few rows: PGlite's 128 MB of shared buffers are a third of its memory. */
const SCRATCH_CONF = 'shared_buffers = 16MB';

/**
 * A new in-memory PGlite, booted from a copy of an empty, initialised data directory (`template`,
 * in the project's store, named for the PGlite version): initdb in WebAssembly takes seconds,
 * loading the copy well under one. The first boot makes the copy; one that does not load is made again.
 */
async function createScratch(PGlite: PGliteClass, template: string) {
  if (existsSync(template)) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]), postgresqlconf: SCRATCH_CONF });
    } catch {
      rmSync(template, { force: true });
    }
  }
  // WAL in 1 MB segments: a smaller copy, and less memory for each instance booted from it (a
  // scratch database writes little WAL).
  const db = await PGlite.create({ initDbStartParams: ['--wal-segsize=1'], postgresqlconf: SCRATCH_CONF });
  try {
    // A scratch instance runs in the database `postgres` only: the two templates initdb also
    // writes are two thirds of the copy, and of the memory each instance loads it into.
    for (const template of ['template0', 'template1']) {
      await db.exec(`ALTER DATABASE ${template} IS_TEMPLATE false`);
      await db.exec(`DROP DATABASE ${template}`); // alone: not in a transaction block
    }
    await db.exec('CHECKPOINT');
    const dump = await db.dumpDataDir('none');
    writeFileAtomically(template, new Uint8Array(await dump.arrayBuffer()));
  } catch {
    // No copy kept: the next scratch database boots from nothing again, as it always could.
  }
  return db;
}

/**
 * The name of the kept copy of an empty data directory (createScratch): a function of the
 * installed PGlite's version and of how the copy is made here (the recipe's tag changes with it).
 */
export function scratchTemplateName(): string {
  return `pglite-empty-${pgliteVersion()}-wal1m-postgres-only.tar`;
}

/** The installed PGlite's version: a data directory belongs to the version that wrote it. */
export function pgliteVersion(): string {
  try {
    const dir = packageDirOf(dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))));
    return dir
      ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
      : 'unknown';
  } catch {
    return 'unknown';
  }
}
