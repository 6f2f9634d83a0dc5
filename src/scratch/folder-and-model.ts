import type { Catalog } from '../catalog/catalog.js';
import { introspect, type IntrospectOptions } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import { inRolledBackTransaction } from '../db/transaction.js';
import { storeKey, type Store } from '../files/project-store.js';
import type { JournalRef } from '../migrations/journal.js';
import type { MigrationsFolder } from '../migrations/migration-folder.js';
import { applyModel, modelScript } from './apply-model.js';
import { replayMigrations, replayState } from './replay.js';
import { scratchEnvironment } from './scratch-environment.js';
import { ScratchPool, type ScratchTarget } from './scratch-databases.js';

interface FolderAndModelInput {
  folder: MigrationsFolder;
  journal: JournalRef;
  /** The model's statements (loading, or remembered). */
  modelStatements: Promise<string[]>;
  /** Whether the statements were remembered rather than loaded: a change is then unlikely, and no scratch database is made ahead. */
  remembered: boolean;
  scratch: ScratchTarget;
  /** The project's store of catalogs (a store without a folder: nothing kept, --no-cache). */
  store: Store;
  /** smartem-db's version and code: a catalog is read by it. */
  code: string;
  /** Replay the folder ahead, on a server, while a model that had to be loaded loads (generate: a change is likely). */
  replayAhead?: boolean;
}

/** The two states a diff compares, and the scratch database to prove on. */
export interface FolderAndModel {
  /** The catalog the migrations folder produces. */
  folder: Catalog;
  /** The catalog the model's statements produce. */
  model: Catalog;
  /** Both catalogs came from the store: no scratch database was made. */
  fromStore: boolean;
  /** A scratch database at the folder's state, replayed now (once; later calls give the same). */
  replay(): Promise<DbSession>;
  /** The catalog of the folder's first migrations, up to `id` (`base`: none). */
  catalogAt(id: string): Promise<Catalog>;
  /**
   * Records `catalog`, read on the replay after the new migration's up, as what `folder` (the
   * folder with that migration written) produces.
   */
  rememberFolder(folder: MigrationsFolder, catalog: Catalog): Promise<void>;
  /** Drops every scratch database made. */
  close(): Promise<void>;
}

/** Statements the model is built with in one transaction at most: each object's lock lasts until it ends. */
const ONE_TRANSACTION_MAX = 250;

/**
 * The catalogs of the migrations folder and of the model, for generate, check and diff alike.
 * Each is a pure function of its key (what produced it: the folder's up.sql files, or the
 * model's statements; the scratch server's environment; smartem-db's code) and is taken from the
 * project's store when it is there; else it is built on a scratch database and stored. A
 * scratch database is made only for what must run: a missing catalog, and the replay the proof
 * needs (replay()). Embedded (one PGlite instance, hundreds of megabytes), the model is built in
 * a transaction that is rolled back, then the folder replayed on the same instance; on a server
 * each has a database of its own, made at the same time. close() drops them all.
 *
 * @example const states = await folderAndModel({ folder, journal, modelStatements, remembered, scratch, store, code });
 */
export async function folderAndModel(input: FolderAndModelInput): Promise<FolderAndModel> {
  const { folder, journal, store, scratch } = input;
  const exclude: IntrospectOptions = { excludeSchemas: [journal.schema] };
  const pool = new ScratchPool(scratch);
  const embedded = scratch.kind === 'embedded';
  try {
    const env = await scratchEnvironment(scratch);
    const folderKey = (migrations: MigrationsFolder['migrations']) =>
      storeKey(
        'folder catalog',
        input.code,
        env,
        journal,
        migrations.map((m) => [m.id, m.checksum]),
      );
    const storedFolder = store.getJson<Catalog>('catalog', folderKey(folder.migrations));

    // Embedded, one instance serves both: the model first (rolled back), then the replay.
    let instance: Promise<DbSession> | null = null;
    const embeddedInstance = () => (instance ??= pool.create());
    let modelDone: Promise<unknown> = Promise.resolve();
    let replayed: Promise<{ session: DbSession; catalog: Catalog }> | null = null;
    const replayNow = () =>
      (replayed ??= (async () => {
        await modelDone.catch(() => undefined); // its failure is reported by its own promise
        const session = embedded ? await embeddedInstance() : await pool.create();
        // A stored catalog is what this replay would read (the same key): it is not read again.
        if (storedFolder) {
          await replayState(session, folder, journal);
          return { session, catalog: storedFolder };
        }
        const catalog = await replayMigrations(session, folder, journal);
        if (await storable(session)) store.putJson('catalog', folderKey(folder.migrations), catalog);
        return { session, catalog };
      })());
    // A model that had to be loaded has most likely changed: its database is made while it loads,
    // and on a server the folder replayed meanwhile (the proof will want it).
    const modelSession = input.remembered ? null : embedded ? embeddedInstance() : pool.create();
    modelSession?.catch(() => undefined); // awaited below when needed
    if ((!storedFolder || (!input.remembered && input.replayAhead)) && !embedded)
      void replayNow().catch(() => undefined); // awaited below, or by replay()

    const statements = await input.modelStatements;
    const modelKey = storeKey('model catalog', input.code, env, journal, statements);
    const storedModel = store.getJson<Catalog>('catalog', modelKey);
    let model = storedModel;
    if (!model) {
      const building = (async () => {
        const session = await (modelSession ?? (embedded ? embeddedInstance() : pool.create()));
        const built = await buildModel(session, statements, exclude, embedded, () => pool.create());
        if (built.storable) store.putJson('catalog', modelKey, built.catalog);
        return built.catalog;
      })();
      modelDone = building;
      model = await building;
    }
    const folderCatalog = storedFolder ?? (await replayNow()).catalog;
    return {
      folder: folderCatalog,
      model,
      fromStore: storedFolder !== null && storedModel !== null,
      replay: async () => (await replayNow()).session,
      catalogAt: async (id) => {
        const at = folder.migrations.findIndex((m) => m.id === id);
        const key = id === 'base' || at >= 0 ? folderKey(folder.migrations.slice(0, at + 1)) : null;
        const stored = key ? store.getJson<Catalog>('catalog', key) : null;
        if (stored) return stored;
        const session = await pool.create();
        const catalog = await replayMigrations(session, folder, journal, id);
        if (key && (await storable(session))) store.putJson('catalog', key, catalog);
        return catalog;
      },
      rememberFolder: async (grown, catalog) => {
        // Read on the replay the proof ran on: stored under the same rule as any replay's.
        const proved = await replayed;
        if (proved && (await storable(proved.session))) store.putJson('catalog', folderKey(grown.migrations), catalog);
      },
      close: () => pool.close(),
    };
  } catch (error) {
    await pool.close();
    throw error;
  }
}

/**
 * The model's catalog. Embedded, in a transaction on the new instance that is rolled back (the
 * instance is then as new, for the replay); a model too big for one transaction's locks, or one
 * that cannot run in a transaction, gets a database of its own (`another`), as on a server.
 */
async function buildModel(
  session: DbSession,
  statements: readonly string[],
  exclude: IntrospectOptions,
  rollBack: boolean,
  another: () => Promise<DbSession>,
): Promise<{ catalog: Catalog; storable: boolean }> {
  if (rollBack && statements.length <= ONE_TRANSACTION_MAX) {
    try {
      return await inRolledBackTransaction(session, async () => {
        await session.exec(modelScript(statements));
        return { catalog: await introspect(session, exclude), storable: await storable(session) };
      });
    } catch {
      // Met again, and reported by statement, on a database of its own.
    }
  }
  const own = rollBack ? await another() : session;
  await applyModel(own, statements);
  return { catalog: await introspect(own, exclude), storable: await storable(own) };
}

/**
 * Whether a catalog read on `session` may be stored: not when its objects depend on a role other
 * than ours (grants, policies, owners), since whether that role exists is the server's, and may
 * change without anything in the key changing.
 */
async function storable(session: DbSession): Promise<boolean> {
  if (session.embedded) return true;
  const [row] = await session.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_shdepend d
      WHERE d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND d.refclassid = 'pg_authid'::regclass
        AND d.refobjid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
  );
  return Number(row?.n ?? 0) === 0;
}
