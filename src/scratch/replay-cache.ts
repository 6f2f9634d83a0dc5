import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { introspect } from '../catalog/introspect.js';
import { scratchCopyPath } from '../db/pglite-session.js';
import { openServerSession } from '../db/postgres-session.js';
import type { DbSession } from '../db/session.js';
import { writeFileAtomically } from '../files/files.js';
import type { JournalRef } from '../migrations/journal.js';
import type { MigrationsFolder } from '../migrations/migration-folder.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { replayMigrations } from './replay.js';
import type { ScratchPool } from './scratch-databases.js';

/** The state the migrations folder produces, on a scratch database of its own. */
export interface CurrentState {
  session: DbSession;
  catalog: Catalog;
  /** Whether it was copied from a kept replay instead of replayed now. */
  copied: boolean;
  /** Once the work on it is done and went well: keeps it for the next run if it is still the replay (server). */
  keep?: () => Promise<void>;
}

/** Kept replays per server (databases) or per user (PGlite copies): enough for a few branches. */
const KEEP = 8;
const PREFIX = 'smartem_replay_';

/**
 * The key of a replay: what the scratch database holds after it is exactly the folder's up.sql
 * files (ids and checksums) run by this smartem-db's runner into this journal. Equal key, equal
 * database.
 */
export function replayKey(folder: MigrationsFolder, journal: JournalRef, code: string): string {
  const hash = createHash('sha256').update(JSON.stringify([code, journal]));
  for (const m of folder.migrations) hash.update(`\n${m.id} ${m.checksum}`);
  return hash.digest('hex').slice(0, 32);
}

/**
 * A scratch database at the state the folder produces, and its catalog. With a key, the state is
 * copied from a kept replay when there is one (on a server a database, `CREATE DATABASE ...
 * TEMPLATE`; embedded a copy of the data directory), and kept after a replay for next time. A
 * kept replay is checked before it is trusted (the copy's catalog against the one recorded when
 * it was kept; an embedded copy's bytes against their checksum) and replaced when in doubt.
 * Without a key (--no-cache) the folder is replayed and nothing is kept.
 *
 * @example const { session, catalog } = await currentState(pool, folder, journal, replayKey(folder, journal, code));
 */
export async function currentState(
  pool: ScratchPool,
  folder: MigrationsFolder,
  journal: JournalRef,
  key: string | null,
): Promise<CurrentState> {
  if (key === null) return replayOn(await pool.create(), folder, journal);
  return pool.target.kind === 'server'
    ? serverState(pool, folder, journal, key)
    : embeddedState(pool, folder, journal, key);
}

/** The database a replay with this key is kept in, on a server. */
export function keptReplayName(key: string): string {
  return `${PREFIX}${key}`;
}

/** The file a replay with this key is kept in, embedded (a PGlite data directory). */
export function keptEmbeddedReplay(key: string): string {
  return scratchCopyPath(`replay-${key}`);
}

async function replayOn(session: DbSession, folder: MigrationsFolder, journal: JournalRef): Promise<CurrentState> {
  return { session, catalog: await replayMigrations(session, folder, journal), copied: false };
}

const excludeOf = (journal: JournalRef) => ({ excludeSchemas: [journal.schema] });

async function serverState(
  pool: ScratchPool,
  folder: MigrationsFolder,
  journal: JournalRef,
  key: string,
): Promise<CurrentState> {
  const target = pool.target as Extract<ScratchPool['target'], { kind: 'server' }>;
  const kept = keptReplayName(key);
  const taken = await pool.takeKept(kept);
  if (taken) {
    const [catalog, recorded] = await Promise.all([
      introspect(taken, excludeOf(journal)),
      recordedFingerprint(target, pool.nameOf(taken)!),
    ]);
    const fingerprint = await fingerprintOf(taken, catalog, journal);
    if (recorded === fingerprint)
      return { session: taken, catalog, copied: true, keep: keeper(pool, taken, kept, fingerprint, journal) };
    // Not what was kept (changed by hand, or by a run that did not finish): dropped with the rest.
  }
  const replay = await replayOn(await pool.create(), folder, journal);
  if (await namesOtherRoles(replay.session)) return replay;
  const fingerprint = await fingerprintOf(replay.session, replay.catalog, journal);
  return { ...replay, keep: keeper(pool, replay.session, kept, fingerprint, journal) };
}

/**
 * Keeps the database for the next run when it is still exactly the replay (the proof's up and
 * down leave it so, and this checks it): catalog, sequences, every table's rows and the journal.
 */
function keeper(
  pool: ScratchPool,
  session: DbSession,
  kept: string,
  fingerprint: string,
  journal: JournalRef,
): () => Promise<void> {
  return async () => {
    const now = await introspect(session, excludeOf(journal));
    if ((await fingerprintOf(session, now, journal)) !== fingerprint) return;
    const name = pool.nameOf(session)!;
    await pool.release(session);
    const comment = `smartem-db: the migrations folder replayed, kept ${new Date().toISOString()} fingerprint ${fingerprint}`;
    const target = pool.target as Extract<ScratchPool['target'], { kind: 'server' }>;
    if (
      await pool.keep(name, kept, [
        `COMMENT ON DATABASE ${quoteIdent(kept)} IS ${quoteLiteral(comment)}`,
        // Nobody connects to it while it is kept, so nothing changes it.
        `ALTER DATABASE ${quoteIdent(kept)} ALLOW_CONNECTIONS false`,
      ])
    )
      await pruneKept(target, kept);
  };
}

/**
 * What a replay is: its catalog, its sequences' positions, and the rows of every table and of
 * the journal (md5 each), as one hash.
 */
async function fingerprintOf(session: DbSession, catalog: Catalog, journal: JournalRef): Promise<string> {
  const rowsOf = (t: string) =>
    `SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) AS h FROM ${t} r`;
  const tables = catalog.tables
    .filter((t) => t.partitionBy === null)
    .map((t) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`)
    .map((t) => `SELECT ${quoteLiteral(t)} AS t, (${rowsOf(t)}) AS h`);
  // The journal is absent until a migration was run: read through query_to_xml only when it exists.
  const j = `${quoteIdent(journal.schema)}.${quoteIdent(journal.table)}`;
  const journalRows = `SELECT 'journal' AS t, CASE WHEN to_regclass(${quoteLiteral(j)}) IS NULL THEN '' ELSE query_to_xml(${quoteLiteral(rowsOf(j))}, false, false, '')::text END AS h`;
  const [state] = await session.query<{ sequences: string; rows: string }>(
    `SELECT (SELECT coalesce(jsonb_agg(jsonb_build_array(schemaname, sequencename, last_value) ORDER BY schemaname, sequencename), '[]')::text FROM pg_sequences) AS sequences,
            (SELECT coalesce(jsonb_agg(jsonb_build_array(t, h) ORDER BY t), '[]')::text FROM (${[...tables, journalRows].join(' UNION ALL ')}) x) AS rows`,
  );
  return createHash('sha256')
    .update(JSON.stringify(catalog))
    .update(state?.sequences ?? '')
    .update(state?.rows ?? '')
    .digest('hex');
}

/**
 * Whether objects in the database depend on a role other than ours (grants, policies, owners):
 * such a replay is not kept, or the role could not be dropped while it is.
 */
async function namesOtherRoles(session: DbSession): Promise<boolean> {
  const rows = await session.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_shdepend d
      WHERE d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND d.refclassid = 'pg_authid'::regclass
        AND d.refobjid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

async function adminQuery<T extends object>(
  target: { url: string; source: string },
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const admin = await openServerSession(target.url, { source: target.source });
  try {
    return await admin.query<T>(sql, params);
  } finally {
    await admin.close().catch(() => {});
  }
}

async function recordedFingerprint(target: { url: string; source: string }, name: string): Promise<string | null> {
  const rows = await adminQuery<{ comment: string | null }>(
    target,
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [name],
  ).catch(() => []);
  return /fingerprint ([0-9a-f]{64})$/.exec(rows[0]?.comment ?? '')?.[1] ?? null;
}

async function dropKept(target: { url: string; source: string }, name: string): Promise<void> {
  const admin = await openServerSession(target.url, { source: target.source }).catch(() => undefined);
  try {
    // A short wait: a concurrent run copying it holds it, and it is only a cache.
    await admin?.exec(`SET lock_timeout = '1s'`);
    await admin?.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  } catch {
    // Dropped by the next run that finds it, or by pruning.
  } finally {
    await admin?.close().catch(() => {});
  }
}

/** The newest KEEP kept replays on the server stay; older ones are dropped. */
async function pruneKept(target: { url: string; source: string }, keptNow: string): Promise<void> {
  const rows = await adminQuery<{ name: string; comment: string | null }>(
    target,
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database
      WHERE datname LIKE 'smartem\\_replay\\_%' AND pg_catalog.pg_get_userbyid(datdba) = current_user`,
  ).catch(() => []);
  const keptAt = (comment: string | null) => / kept (\S+) /.exec(comment ?? '')?.[1] ?? '';
  const old = rows
    .filter((r) => r.name !== keptNow)
    .sort((a, b) => keptAt(b.comment).localeCompare(keptAt(a.comment)))
    .slice(KEEP - 1);
  for (const r of old) await dropKept(target, r.name);
}

/** What is recorded beside an embedded copy: the checksum of its bytes and its catalog. */
interface EmbeddedRecord {
  sha256: string;
  catalog: Catalog;
}

async function embeddedState(
  pool: ScratchPool,
  folder: MigrationsFolder,
  journal: JournalRef,
  key: string,
): Promise<CurrentState> {
  const copy = keptEmbeddedReplay(key);
  const record = `${copy}.json`;
  const kept = readKept(copy, record);
  if (kept) {
    try {
      return { session: await pool.create({ embeddedDump: kept.dump }), catalog: kept.catalog, copied: true };
    } catch {
      rmSync(copy, { force: true });
    }
  }
  const replay = await replayOn(await pool.create(), folder, journal);
  try {
    const dump = await replay.session.dumpDataDir!('none');
    writeFileAtomically(copy, dump);
    writeFileAtomically(
      record,
      JSON.stringify({ sha256: createHash('sha256').update(dump).digest('hex'), catalog: replay.catalog }),
    );
    pruneEmbedded(copy);
  } catch {
    // Not kept: the next run replays again, as it always could.
  }
  return replay;
}

function readKept(copy: string, record: string): { dump: Uint8Array; catalog: Catalog } | null {
  try {
    const recorded = JSON.parse(readFileSync(record, 'utf8')) as EmbeddedRecord;
    const dump = readFileSync(copy);
    if (createHash('sha256').update(dump).digest('hex') !== recorded.sha256) throw new Error('changed');
    return { dump, catalog: recorded.catalog };
  } catch {
    rmSync(copy, { force: true });
    rmSync(record, { force: true });
    return null;
  }
}

/** The newest KEEP embedded replays stay. */
function pruneEmbedded(keptNow: string): void {
  const dir = dirname(keptNow);
  const prefix = basename(keptNow).replace(/replay-[0-9a-f]+\.tar$/, 'replay-');
  const copies = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.tar'))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const c of copies.slice(KEEP)) {
    rmSync(c.path, { force: true });
    rmSync(`${c.path}.json`, { force: true });
  }
}
