import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { introspect, type IntrospectOptions } from '../catalog/introspect.js';
import { isLongLived } from '../config/process-lifetime.js';
import type { DbSession } from '../db/session.js';
import { joinStatements } from '../sql/sql-split.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { keptAtNow, namesOtherRoles, pruneKept } from './kept-databases.js';
import { hasNumberedDefaultNames, modelDelta, sameOutsideTouched } from './model-delta.js';
import type { ScratchPool } from './scratch-databases.js';

/**
 * Whose model a kept model database is: `code` (smartem-db's version and code fingerprint: a
 * change of the code that reads catalogs must not meet a catalog it recorded) and `lineage`
 * (where the model comes from: a project's model, edit after edit, finds its own database, not
 * another project's on the same server).
 */
export interface ModelKeep {
  code: string;
  lineage: string;
}

/** A model database kept for the next run, and what built it. */
export interface KeptModel {
  session: DbSession;
  exclude: IntrospectOptions;
  statements: string[];
  catalog: Catalog;
}

const PREFIX = 'smartem_model_';
/** Kept model databases per server and user: a few projects or branches. */
const KEEP = 6;
const HEADER = "smartem-db: the Drizzle model's database,";

/**
 * The model's in-memory PGlite database a long-lived process (the CLI's daemon) keeps for its next
 * command, with what built it: nothing else in the process can reach it.
 */
let held: { prefix: string; kept: KeptModel } | null = null;

/**
 * Whether a model database is kept on `target` at all: on a server always; embedded (in memory)
 * only by a long-lived process (the daemon), the only kind with a next command to keep it for.
 */
export function keepsModelOn(target: ScratchPool['target']): boolean {
  return target.kind === 'server' || isLongLived();
}

/** Whether this process holds a model's in-memory database for its next command. */
export function holdsEmbeddedModel(): boolean {
  return held !== null;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** The names of one lineage's kept model databases begin with this. */
export function lineagePrefix(keep: ModelKeep): string {
  return `${PREFIX}${sha(JSON.stringify([keep.code, keep.lineage])).slice(0, 16)}_`;
}

/** What is recorded in a kept model database's comment, beside when it was kept. */
interface Record {
  /** The project it was kept for (ModelKeep.lineage), for whoever looks. */
  lineage: string;
  exclude: IntrospectOptions;
  statements: string[];
  catalog: Catalog;
}

/**
 * Takes this lineage's newest kept model database, with the statements that built it and the
 * catalog read from it then; null when there is none (or it cannot be read). On a server it is
 * renamed to a scratch name, so no other run takes it, and dropped at close() unless kept again;
 * embedded, it is the instance this process holds, closed at close() unless kept again.
 */
export async function takeKeptModel(pool: ScratchPool, keep: ModelKeep): Promise<KeptModel | null> {
  if (pool.target.kind === 'embedded') {
    const found = held?.prefix === lineagePrefix(keep) ? held : null;
    held = null;
    if (!found) return null;
    return { ...found.kept, session: pool.adopt(found.kept.session) };
  }
  const taken = await pool.takeKept({ prefix: lineagePrefix(keep) }).catch(() => null);
  if (!taken) return null;
  try {
    const text = taken.comment ?? '';
    const record = JSON.parse(text.slice(text.indexOf('\n') + 1)) as Record;
    return { session: taken.session, exclude: record.exclude, statements: record.statements, catalog: record.catalog };
  } catch {
    return null;
  }
}

/**
 * The model's catalog built on the kept database by changing only what changed since it was
 * kept (modelDelta), checked against the catalog recorded then: everything else must be as it
 * was. Null when the delta cannot be told or does not check out: the caller builds the model on a
 * new database, and this one is dropped.
 */
export async function updateKeptModel(
  kept: KeptModel,
  statements: readonly string[],
  exclude: IntrospectOptions,
  helper: DbSession | null,
): Promise<Catalog | null> {
  const delta =
    JSON.stringify(kept.exclude) === JSON.stringify(exclude) ? modelDelta(kept.statements, statements) : null;
  if (!delta) return null;
  try {
    const sql = [...delta.drops, ...delta.runs];
    // One implicit transaction: a statement that fails leaves the database as it was.
    if (sql.length) await kept.session.exec(`SET client_min_messages = warning;\n${joinStatements(sql)}`);
    const catalog = await introspect(kept.session, exclude, helper);
    if (!sameOutsideTouched(kept.catalog, catalog, delta) || hasNumberedDefaultNames(catalog)) return null;
    return catalog;
  } catch {
    return null;
  }
}

/**
 * Keeps the model database `session` is on (where keepsModelOn says so) when the pool closes,
 * named for this lineage and its statements, with what the next run needs to update it: the
 * statements and the catalog read now. Embedded, the long-lived process holds the instance open
 * instead (one at a time). Older ones of the server's beyond KEEP (and not kept in the last
 * minutes) are dropped. Not kept when its objects name another role (namesOtherRoles), which only
 * a model built anew (`fresh`) can: an update makes tables, indexes, keys and enums of our own.
 */
export async function keepModelAtClose(
  pool: ScratchPool,
  session: DbSession,
  keep: ModelKeep,
  built: { statements: readonly string[]; catalog: Catalog; exclude: IntrospectOptions; fresh: boolean },
): Promise<void> {
  const { statements, catalog, exclude } = built;
  if (hasNumberedDefaultNames(catalog)) return;
  if (pool.target.kind === 'embedded') {
    const kept = { exclude, statements: [...statements], catalog };
    pool.handOverAtClose(session, (open) => {
      void held?.kept.session.close().catch(() => {});
      held = { prefix: lineagePrefix(keep), kept: { ...kept, session: open } };
    });
    return;
  }
  // A role its objects name could not be dropped while it is kept.
  if (built.fresh && (await namesOtherRoles(session).catch(() => true))) return;
  const target = pool.target;
  const name = `${lineagePrefix(keep)}${sha(JSON.stringify(statements)).slice(0, 16)}`;
  const record: Record = { lineage: keep.lineage, exclude, statements: [...statements], catalog };
  const comment = `${HEADER}${keptAtNow()}\n${JSON.stringify(record)}`;
  pool.keepAtClose(
    session,
    name,
    [
      // A database of the same name is the same statements' (kept by a concurrent run): this one goes.
      `COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(comment)}`,
      // Nobody connects to it while it is kept, so nothing changes it.
      `ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS false`,
    ],
    () => pruneKept(target, PREFIX, KEEP, name),
  );
}
