import type { Catalog } from '../catalog/catalog.js';
import { introspect, type IntrospectOptions } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import { inRolledBackTransaction } from '../db/transaction.js';
import { applyModel, modelScript } from './apply-model.js';
import { EMPTY_DATABASE_SQL, USER_OBJECTS_SQL } from './empty-database.js';
import {
  keepModelAtClose,
  keepsModelOn,
  takeKeptModel,
  updateKeptModel,
  type KeptModel,
  type ModelKeep,
} from './model-keep.js';
import type { ScratchPool } from './scratch-databases.js';

/** Where a phase's time is counted (generate --timings); structural, so scratch/ needs nothing above it. */
export interface PhaseTimer {
  time<T>(phase: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Statements of a model built beside the replay in one transaction: it locks everything it drops
 * and creates until it rolls back, in a lock table other sessions share (64 a connection by
 * default). The SmartEM model (119 statements, 30 tables dropped) held 1001 locks; a 200-table
 * model 7028, more than a default server has room for beside other work. A bigger model gets a
 * database of its own (applyModel builds it 200 statements to a transaction).
 */
export const BESIDE_MAX_STATEMENTS = 250;
/** Tables of the replay that one transaction drops beside the model's (the same lock table). */
const BESIDE_MAX_TABLES = 100;

/** Whether a model of `statements` is built beside a replay (modelCatalog) rather than on a database of its own. */
function fitsBeside(statements: readonly string[]): boolean {
  return statements.length <= BESIDE_MAX_STATEMENTS;
}

/**
 * Whether the folder's replay may be small enough to build the model beside (its up.sql files
 * create at most BESIDE_MAX_TABLES tables), known before anything is loaded: when it is not,
 * the model's own database is made at once, while the model loads, as it always was.
 */
export function folderMayFitBeside(upScripts: readonly string[]): boolean {
  let tables = 0;
  for (const text of upScripts) tables += text.match(/\bCREATE\s+(?:UNLOGGED\s+)?TABLE\b/gi)?.length ?? 0;
  return tables <= BESIDE_MAX_TABLES;
}

/** How modelSite works: when it may start making databases, where it counts the time, and whether it keeps the model's database. */
export interface SiteOptions {
  /** Runs work that makes a scratch database, when the command's answer gate allows (null: it did not). */
  start?: <T>(work: () => Promise<T>) => Promise<T | null>;
  timer?: PhaseTimer;
  /**
   * Take this lineage's kept model database and keep the model's for the next run (null:
   * --no-cache): on a server, or embedded in a long-lived process (the daemon holds it in memory).
   */
  keep?: ModelKeep | null;
}

/**
 * Where one command builds its model, decided as each fact comes. With `keep` (a server, or a
 * daemon's embedded databases), the lineage's kept model database is taken while the model loads
 * (or, when there is none, a new database made) and the model built there: on the kept one only
 * what changed since (updateKeptModel), else anew; either way kept again for the next run.
 * Otherwise a folder too big to build it beside (folderMayFitBeside), or no folder at all
 * (`upScripts` null), gets the model a database of its own at once, made while the model loads
 * (through `start`, when the command's answer gate allows); else, once the statements are known,
 * the model is built beside the folder's replay when they fit (waiting for it only then), or on
 * a database of its own.
 *
 * @example const site = modelSite(pool, folder.migrations.map((m) => m.up.text), { start: gate.start });
 *          const want = await site.catalog(statements, () => replayP, exclude);
 */
export function modelSite(pool: ScratchPool, upScripts: readonly string[] | null, how: SiteOptions = {}) {
  const { start = (work) => work(), timer, keep } = how;
  const time = <T>(phase: string, work: () => Promise<T>) => (timer ? timer.time(phase, work) : work());
  const keeping = keep && keepsModelOn(pool.target) ? keep : null;
  const kept = keeping ? start(() => time('take the kept model database', () => takeKeptModel(pool, keeping))) : null;
  // A database made ahead (a daemon's) is cheaper than emptying the replay for the model.
  const own = keeping
    ? start(async () => ((await kept) ? null : time('scratch database for the model', () => pool.create())))
    : upScripts && folderMayFitBeside(upScripts) && !pool.emptyReadyAhead()
      ? null
      : start(() => time('scratch database for the model', () => pool.create()));
  // Awaited by catalog(), or by close() when the command ends first.
  own?.catch(() => {});
  return {
    /** The model's own database being made ahead, or the kept one taken, if it is (null: none). */
    own: kept ? Promise.allSettled([kept, own]) : own,
    catalog: async (
      statements: readonly string[],
      replay: () => Promise<{ session: DbSession; catalog: Catalog } | null>,
      exclude: IntrospectOptions,
    ): Promise<Catalog> => {
      if (keeping) return keptCatalog(pool, statements, exclude, keeping, { kept: await kept, own, time });
      const beside = !own && fitsBeside(statements) ? await replay() : null;
      return modelCatalog(pool, statements, exclude, { beside, own, ...(timer ? { timer } : {}) });
    },
  };
}

/** The model's catalog on the kept model database, updated, or on a new one; kept at close() either way. */
async function keptCatalog(
  pool: ScratchPool,
  statements: readonly string[],
  exclude: IntrospectOptions,
  keep: ModelKeep,
  where: {
    kept: KeptModel | null;
    own: Promise<DbSession | null> | null;
    time: <T>(phase: string, work: () => Promise<T>) => Promise<T>;
  },
): Promise<Catalog> {
  const { kept, time } = where;
  if (kept) {
    const helper = await pool.another(kept.session);
    let updated: Catalog | null;
    try {
      updated = await time('model DDL (what changed since it was kept) and its catalog', () =>
        updateKeptModel(kept, statements, exclude, helper),
      );
    } finally {
      // Before it is kept: a database is renamed only with no one else connected.
      if (helper) await pool.release(helper);
    }
    if (updated) {
      await keepModelAtClose(pool, kept.session, keep, { statements, catalog: updated, exclude, fresh: false });
      return updated;
    }
    // Not updated: dropped at close, and the model built anew.
  }
  const made = (await where.own) ?? (await time('scratch database for the model', () => pool.create()));
  const catalog = await builtOnItsOwn(pool, made, statements, exclude, { time });
  await keepModelAtClose(pool, made, keep, { statements, catalog, exclude, fresh: true });
  return catalog;
}

/** Where modelCatalog builds the model, and where it counts the time. */
export interface ModelPlace {
  /** The folder's replay and its catalog: built beside it when that can be. */
  beside?: { session: DbSession; catalog: Catalog } | null;
  /** The model's own database when it was made ahead (folderMayFitBeside said no): then it is built there. */
  own?: Promise<DbSession | null> | null;
  timer?: PhaseTimer;
}

/**
 * The catalog of the Drizzle model's statements, as a new empty database would have it. Where
 * it can, it is built on the scratch database that holds the migrations' state (`beside`), in
 * one transaction that empties it first and is rolled back: no second database to make (CREATE
 * DATABASE, or a second PGlite instance to boot). That is taken only when the database was made
 * from an empty template (the pool knows), is empty once emptied, and the model builds in one
 * transaction; else, or on any failure, the model gets a scratch database of its own, as it
 * always could. The replay is left as it was (rolled back; the keeper checks it anyway).
 *
 * @example const want = await modelCatalog(pool, statements, { excludeSchemas: ['smartem_db'] }, { beside: replay });
 */
export async function modelCatalog(
  pool: ScratchPool,
  statements: readonly string[],
  exclude: IntrospectOptions,
  where: ModelPlace = {},
): Promise<Catalog> {
  const { beside, own, timer = { time: (_phase, work) => work() } } = where;
  const ahead = own ? await own : null;
  if (ahead) return builtOnItsOwn(pool, ahead, statements, exclude, timer);
  if (
    beside &&
    fitsBeside(statements) &&
    beside.catalog.tables.length <= BESIDE_MAX_TABLES &&
    pool.bornEmpty(beside.session)
  ) {
    const built = await timer.time('model DDL and its catalog, beside the replay (rolled back)', () =>
      modelInRolledBackTransaction(beside.session, statements, exclude),
    );
    if (built) return built;
  }
  const made = await timer.time('scratch database for the model', () => pool.create());
  return builtOnItsOwn(pool, made, statements, exclude, timer);
}

/** The model built on a database of its own, its catalog read on two connections where there can be two. */
async function builtOnItsOwn(
  pool: ScratchPool,
  made: DbSession,
  statements: readonly string[],
  exclude: IntrospectOptions,
  timer: PhaseTimer,
): Promise<Catalog> {
  const helperP = pool.another(made);
  await timer.time('model DDL', () => applyModel(made, statements));
  const helper = await helperP;
  try {
    return await timer.time('introspect the model', () => introspect(made, exclude, helper));
  } finally {
    if (helper) await pool.release(helper);
  }
}

/** The model's catalog built on `session` emptied, in a transaction that is always rolled back; null when that cannot be. */
async function modelInRolledBackTransaction(
  session: DbSession,
  statements: readonly string[],
  exclude: IntrospectOptions,
): Promise<Catalog | null> {
  try {
    return await inRolledBackTransaction(session, async () => {
      // What a replayed migration SET for the session (a search_path, a role) is not the model's;
      // the emptying's notices (drop cascades to ...) are nobody's.
      await session.exec('RESET SESSION AUTHORIZATION; RESET ALL; SET LOCAL client_min_messages = warning');
      await session.exec(EMPTY_DATABASE_SQL);
      const [left] = await session.query<{ n: number; public: number }>(USER_OBJECTS_SQL);
      if (Number(left?.n) !== 0 || Number(left?.public) !== 1) return null;
      await session.exec(modelScript(statements));
      return introspect(session, exclude);
    });
  } catch {
    // Whatever failed (a statement PostgreSQL runs only outside a transaction, the lock table,
    // the model's own error) is met again, and reported, on a database of the model's own.
    return null;
  }
}
