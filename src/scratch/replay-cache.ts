import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { introspect } from '../catalog/introspect.js';
import { noteKeptDump, scratchCopyPath } from '../db/pglite-session.js';
import { isLongLived, whenAnswered } from '../config/process-lifetime.js';
import type { DbSession } from '../db/session.js';
import { fileStamp, writeFileAtomically } from '../files/files.js';
import type { JournalRef } from '../migrations/journal.js';
import { readMigrationsFolder, type MigrationsFolder } from '../migrations/migration-folder.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { keptAtNow, namesOtherRoles, pruneKept, RECENT_MS } from './kept-databases.js';
import { replayMigrations } from './replay.js';
import { ScratchPool } from './scratch-databases.js';

/** The state the migrations folder produces, on a scratch database of its own. */
export interface CurrentState {
  session: DbSession;
  catalog: Catalog;
  /** The kept replay it came from, if any: how many of the folder's migrations it held (the rest were run on it now). */
  fromKept: { migrations: number } | null;
  /**
   * Once the work on it is done and went well: keeps it for the next run if it is still the
   * replay (server). `catalog` is its catalog now, when the caller has just read it.
   */
  keep?: (catalog?: Catalog) => Promise<void>;
}

/** Kept replays per server (databases) or per user (PGlite copies): enough for a few branches. */
const KEEP = 8;
const PREFIX = 'smartem_replay_';
/** In a kept replay's comment: the database began with no objects of its own (ScratchPool.bornEmpty). */
const BEGAN_EMPTY = ' on a database that began empty';

/**
 * The keys of a folder's replays, one per prefix: `keys[i]` names what the scratch database holds
 * after exactly the folder's first i up.sql files (ids and checksums) were run by this smartem-db's
 * runner into this journal. Equal key, equal database; each key is chained from the one before,
 * so a folder that grew by a migration finds the replay of the folder it grew from.
 */
export function replayKeys(folder: MigrationsFolder, journal: JournalRef, code: string): string[] {
  const keys = [sha(JSON.stringify([code, journal]))];
  for (const m of folder.migrations) keys.push(sha(`${keys.at(-1)}\n${m.id} ${m.checksum}`));
  return keys;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/**
 * A scratch database at the state the folder produces, and its catalog. With keys (replayKeys),
 * the state comes from the kept replay of the longest prefix of the folder there is, the rest of
 * the folder run on it, and is kept for next time: on a server the kept database itself is taken
 * (copying it cost more than replaying) and kept again by `keep` if the work left it exactly as
 * it was; embedded, a copy of the data directory is booted. A kept replay is checked before it is
 * trusted (catalog, sequences, rows and journal against the hash recorded when it was kept; an
 * embedded copy's bytes against their checksum) and replayed anew when in doubt. Without keys
 * (--no-cache) the folder is replayed and nothing is kept.
 *
 * @example const { session, catalog } = await currentState(pool, folder, journal, replayKeys(folder, journal, code));
 */
export async function currentState(
  pool: ScratchPool,
  folder: MigrationsFolder,
  journal: JournalRef,
  keys: readonly string[] | null,
): Promise<CurrentState> {
  if (keys !== null && keys.length !== folder.migrations.length + 1) throw new Error('replay keys of another folder');
  // An empty folder has nothing to replay, so nothing to keep.
  if (keys === null || folder.migrations.length === 0)
    return replayOn(await pool.create({ noteEmpty: true }), folder, journal);
  return pool.target.kind === 'server'
    ? serverState(pool, folder, journal, keys)
    : embeddedState(pool, folder, journal, keys);
}

/** What a user is told when the folder's state came from a kept replay that held `held` of its `total` migrations. */
export function keptReplayNote(held: number, total: number): string {
  const rest = total - held;
  return rest === 0
    ? "The migrations' state was taken from a kept replay (--no-cache replays them)."
    : `The migrations' state was taken from a kept replay of the first ${held} migration(s), and the other ${rest} run on it (--no-cache replays them all).`;
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
  return { session, catalog: await replayMigrations(session, folder, journal), fromKept: null };
}

const excludeOf = (journal: JournalRef) => ({ excludeSchemas: [journal.schema] });

async function serverState(
  pool: ScratchPool,
  folder: MigrationsFolder,
  journal: JournalRef,
  keys: readonly string[],
): Promise<CurrentState> {
  const kept = keptReplayName(keys.at(-1)!);
  // The longest prefix first: the fewer migrations left to run, the better.
  const taken = await pool.takeKept(keys.slice(1).map(keptReplayName).reverse());
  if (taken) {
    const held = keys.length - 1 - taken.index;
    const catalog = await introspect(taken.session, excludeOf(journal));
    const fingerprint = await fingerprintOf(taken.session, catalog);
    if (/fingerprint ([0-9a-f]{64})$/.exec(taken.comment ?? '')?.[1] === fingerprint) {
      if (taken.comment?.includes(BEGAN_EMPTY)) pool.markBornEmpty(taken.session);
      const fromKept = { migrations: held };
      if (held === folder.migrations.length)
        return {
          session: taken.session,
          catalog,
          fromKept,
          keep: keeper(pool, taken.session, kept, fingerprint, journal),
        };
      // The folder grew since: the rest of it runs on the kept state, as a replay would run it.
      const grown = await replayOn(taken.session, folder, journal);
      return { ...grown, fromKept, keep: await keepWhenAlone(pool, grown, kept, journal) };
    }
    // Not what was kept (changed by hand, or by a run that did not finish): dropped with the rest.
  }
  const replay = await replayOn(await pool.create({ noteEmpty: true }), folder, journal);
  return { ...replay, keep: await keepWhenAlone(pool, replay, kept, journal) };
}

/** The keeper of a replay just made, unless its objects name other roles (see namesOtherRoles). */
async function keepWhenAlone(
  pool: ScratchPool,
  replay: CurrentState,
  kept: string,
  journal: JournalRef,
): Promise<CurrentState['keep']> {
  if (await namesOtherRoles(replay.session)) return undefined;
  const fingerprint = await fingerprintOf(replay.session, replay.catalog);
  return keeper(pool, replay.session, kept, fingerprint, journal);
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
): (catalog?: Catalog) => Promise<void> {
  return async (catalog) => {
    const now = catalog ?? (await introspect(session, excludeOf(journal)));
    if ((await fingerprintOf(session, now)) !== fingerprint) return;
    const name = pool.nameOf(session)!;
    await pool.release(session);
    const began = pool.bornEmpty(session) ? BEGAN_EMPTY : '';
    const comment = `smartem-db: the migrations folder replayed${began},${keptAtNow()} fingerprint ${fingerprint}`;
    const target = pool.target as Extract<ScratchPool['target'], { kind: 'server' }>;
    if (
      await pool.keep(name, kept, [
        `COMMENT ON DATABASE ${quoteIdent(kept)} IS ${quoteLiteral(comment)}`,
        // Nobody connects to it while it is kept, so nothing changes it.
        `ALTER DATABASE ${quoteIdent(kept)} ALLOW_CONNECTIONS false`,
      ])
    )
      await pruneKept(target, PREFIX, KEEP, kept);
  };
}

/**
 * What a replay is: its catalog, its sequences' positions, and the rows of every table (the
 * journal's too; md5 each), as one hash. Each table is read by a query of its own made at run
 * time (query_to_xml): one query of a thousand subqueries took 1.9 s to plan, this 0.2 s. A table
 * whose file is empty has no rows, and is not read: md5('') without a query (1000 empty tables:
 * 300-740 ms read, 14-74 ms not); a table emptied by hand has the same hash as one never filled.
 */
async function fingerprintOf(session: DbSession, catalog: Catalog): Promise<string> {
  const rows = `SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) AS h FROM %I.%I r`;
  const [state] = await session.query<{ sequences: string; rows: string }>(
    `SELECT (SELECT coalesce(jsonb_agg(jsonb_build_array(schemaname, sequencename, last_value) ORDER BY schemaname, sequencename), '[]')::text FROM pg_sequences) AS sequences,
            (SELECT coalesce(jsonb_agg(jsonb_build_array(t, h) ORDER BY t), '[]')::text FROM (
               SELECT format('%I.%I', n.nspname, c.relname) AS t,
                      CASE WHEN pg_relation_size(c.oid) = 0 THEN md5('')
                           ELSE (xpath('/table/row/h/text()', query_to_xml(format(${quoteLiteral(rows)}, n.nspname, c.relname), false, false, '')))[1]::text
                      END AS h
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_') x) AS rows`,
  );
  return createHash('sha256')
    .update(JSON.stringify(catalog))
    .update(state?.sequences ?? '')
    .update(state?.rows ?? '')
    .digest('hex');
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
  keys: readonly string[],
): Promise<CurrentState> {
  const copy = keptEmbeddedReplay(keys.at(-1)!);
  const booted: { from?: KeptCopy } = {};
  const state =
    (await keptEmbeddedState(pool, folder, journal, keys, (kept) => (booted.from = kept))) ??
    (await replayOn(await pool.create({ noteEmpty: true }), folder, journal));
  if (state.fromKept?.migrations === folder.migrations.length) return state;
  const keepCopy = async (session: DbSession, catalog: Catalog) => {
    try {
      const dump = await session.dumpDataDir!('none');
      const sha256 = createHash('sha256').update(dump).digest('hex');
      writeFileAtomically(copy, dump);
      writeFileAtomically(`${copy}.json`, JSON.stringify({ sha256, catalog }));
      rememberChecked(copy, sha256, dump);
      pruneEmbedded(copy);
    } catch {
      // Not kept: the next run replays again, as it always could.
    }
  };
  if (!isLongLived()) {
    await keepCopy(state.session, state.catalog);
    return state;
  }
  // A daemon keeps it once the answer is out (copying 40 MB is 0.2-0.35 s): the same state, made
  // again the same way on an instance of its own, since this one is the command's to change, from
  // the folder as it is now (the command may add a migration to it before then).
  const made = booted.from;
  const snapshot = mkdtempSync(join(tmpdir(), 'smartem-db-keep-'));
  try {
    cpSync(folder.folder, snapshot, { recursive: true });
  } catch {
    rmSync(snapshot, { recursive: true, force: true });
    return state;
  }
  void whenAnswered(async () => {
    const again = new ScratchPool(pool.target);
    try {
      const session = await again.create(
        made ? { embeddedDump: made.dump, embeddedDumpSha256: made.sha256 } : { noteEmpty: true },
      );
      const replayed = await replayOn(session, readMigrationsFolder(snapshot), journal);
      await keepCopy(replayed.session, replayed.catalog);
    } catch {
      // Not kept: the next run replays again, as it always could.
    } finally {
      await again.close();
      rmSync(snapshot, { recursive: true, force: true });
    }
  });
  return state;
}

type KeptCopy = { dump: Uint8Array; sha256: string };

/** The kept copy of the longest prefix of the folder there is, booted, with the rest of the folder run on it. */
async function keptEmbeddedState(
  pool: ScratchPool,
  folder: MigrationsFolder,
  journal: JournalRef,
  keys: readonly string[],
  /** Told which kept copy the state was booted from. */
  bootedFrom: (kept: KeptCopy) => void = () => {},
): Promise<CurrentState | null> {
  for (let held = keys.length - 1; held > 0; held--) {
    const copy = keptEmbeddedReplay(keys[held]!);
    if (!existsSync(copy)) continue;
    const kept = readKept(copy, `${copy}.json`);
    if (!kept) continue;
    let session: DbSession;
    try {
      session = await pool.create({ embeddedDump: kept.dump, embeddedDumpSha256: kept.sha256 });
    } catch {
      rmSync(copy, { force: true });
      continue;
    }
    bootedFrom(kept);
    const fromKept = { migrations: held };
    if (held === folder.migrations.length) return { session, catalog: kept.catalog, fromKept };
    return { ...(await replayOn(session, folder, journal)), fromKept };
  }
  return null;
}

function readKept(copy: string, record: string): { dump: Uint8Array; sha256: string; catalog: Catalog } | null {
  try {
    const recorded = JSON.parse(readFileSync(record, 'utf8')) as EmbeddedRecord;
    const known = lastChecked?.copy === copy && lastChecked.stamp === fileStamp(copy) ? lastChecked : null;
    const dump = known?.dump ?? readFileSync(copy);
    const sha256 = known?.sha256 ?? createHash('sha256').update(dump).digest('hex');
    if (sha256 !== recorded.sha256) throw new Error('changed');
    rememberChecked(copy, sha256, dump);
    return { dump, sha256, catalog: recorded.catalog };
  } catch {
    rmSync(copy, { force: true });
    rmSync(record, { force: true });
    return null;
  }
}

/**
 * The kept copy a long-lived process (the CLI's daemon) last read or wrote, with its checksum, as
 * long as the file is the same file (inode, size, time): its 40 MB are then not read and hashed
 * again for each command. A process of one command reads each copy once and keeps nothing.
 */
let lastChecked: { copy: string; stamp: string; sha256: string; dump: Uint8Array } | undefined;

function rememberChecked(copy: string, sha256: string, dump: Uint8Array): void {
  if (!isLongLived()) return;
  lastChecked = { copy, stamp: fileStamp(copy), sha256, dump };
  // The copy the next command most likely boots: the daemon boots it ahead (bootAhead).
  noteKeptDump(sha256, dump);
}

/** The newest KEEP embedded replays stay, and any kept in the last RECENT_MS. */
function pruneEmbedded(keptNow: string): void {
  const dir = dirname(keptNow);
  const prefix = basename(keptNow).replace(/replay-[0-9a-f]+\.tar$/, 'replay-');
  const copies = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.tar'))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const c of copies.slice(KEEP).filter((c) => c.at < Date.now() - RECENT_MS)) {
    rmSync(c.path, { force: true });
    rmSync(`${c.path}.json`, { force: true });
  }
}
