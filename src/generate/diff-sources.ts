import { introspect } from '../catalog/introspect.js';
import { openServerSession } from '../db/postgres-session.js';
import type { Catalog } from '../catalog/catalog.js';
import type { DbSession } from '../db/session.js';
import type { JournalRef } from '../migrations/journal.js';
import type { MigrationsFolder } from '../migrations/migration-folder.js';
import { currentState, keptReplayNote, type CurrentState } from '../scratch/replay-cache.js';
import type { Logger } from '../migrations/logger.js';
import type { answerGate } from '../scratch/answer-gate.js';
import type { ModelKeep } from '../scratch/model-keep.js';
import { modelSite } from '../scratch/model-state.js';
import { ScratchPool, type ScratchTarget } from '../scratch/scratch-databases.js';
import { SmartemDbError } from '../errors.js';
import { redactUrl } from '../db/redact.js';

/** A state to diff: the migrations folder replayed, the Drizzle model, or a live database URL. */
export type DiffSource = 'migrations' | 'schema' | { url: string; source: string };

export function parseDiffSource(text: string, source = 'the diff source'): DiffSource {
  if (text === 'migrations' || text === 'schema') return text;
  if (/^postgres(ql)?:/i.test(text)) return { url: text, source };
  throw new SmartemDbError(
    'INVALID_ARGUMENT',
    `"${redactUrl(text)}" is not a diff source: give migrations, schema, or a postgres:// URL.`,
  );
}

export interface SourceContext {
  folder: () => MigrationsFolder;
  modelStatements: () => Promise<string[]>;
  journal: JournalRef;
  scratch: ScratchTarget;
  /** The keys of a folder's replays (replayKeys), to take a kept one; null replays it. */
  replayKeys: ((folder: MigrationsFolder) => readonly string[]) | null;
  /** Whose kept model database to take and keep (server only); null builds the model anew. */
  modelKeep: ModelKeep | null;
  logger?: Logger | undefined;
  /** When the sources may be read (answerGate): null instead of catalogs when the model was answered before. */
  gate?: ReturnType<typeof answerGate>;
  /**
   * Called with the catalogs before the scratch databases go, and the session holding the first
   * source's state when that is the folder's replay (for the steps a diff takes on it: diffInSteps).
   */
  whileOpen?: (catalogs: Catalog[], first: DbSession | null) => Promise<void>;
}

/**
 * Reads each source into a Catalog, all at the same time: scratch databases for `migrations`
 * (a kept replay when there is one, kept again afterwards) and `schema` (dropped afterwards), a
 * plain read of the catalog for a URL.
 */
export async function modelsOf(sources: DiffSource[], ctx: SourceContext): Promise<Catalog[] | null> {
  const exclude = { excludeSchemas: [ctx.journal.schema] };
  const pool = new ScratchPool(ctx.scratch);
  const keeps: (() => Promise<void>)[] = [];
  // The folder's state, when one of the sources is the folder: the model is built beside it if it fits.
  let firstSession: DbSession | null = null;
  let replayedNow: (state: CurrentState | null) => void = () => {};
  const replayed = new Promise<CurrentState | null>((resolve) => (replayedNow = resolve));
  const read = async (source: DiffSource): Promise<Catalog> => {
    if (typeof source !== 'string') {
      const live = await openServerSession(source.url, { source: source.source });
      try {
        return await introspect(live, exclude);
      } finally {
        await live.close();
      }
    }
    if (source === 'migrations') {
      const folderState = async () => {
        const folder = ctx.folder();
        return { folder, state: await currentState(pool, folder, ctx.journal, ctx.replayKeys?.(folder) ?? null) };
      };
      const { folder, state } = await folderState().catch((error: unknown) => {
        replayedNow(null);
        throw error;
      });
      replayedNow(state);
      if (source === sources[0]) firstSession = state.session;
      if (state.fromKept) ctx.logger?.info(keptReplayNote(state.fromKept.migrations, folder.migrations.length));
      // Only read: still the replay.
      if (state.keep) keeps.push(() => state.keep!(state.catalog));
      return state.catalog;
    }
    // With no folder among the sources, the model's own database is made while it loads.
    const site = modelSite(
      pool,
      sources.includes('migrations') ? ctx.folder().migrations.map((m) => m.up.text) : null,
      {
        keep: ctx.modelKeep,
      },
    );
    return site.catalog(await ctx.modelStatements(), () => replayed, exclude);
  };
  try {
    // Every one settles before the pool is closed, so none makes a database after it.
    const settled = await Promise.allSettled(sources.map((s) => (ctx.gate ? ctx.gate.start(() => read(s)) : read(s))));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const catalogs = settled.map((r) => (r as PromiseFulfilledResult<Catalog | null>).value);
    const answered = !catalogs.every((c): c is Catalog => c !== null) || (await ctx.gate?.decided)?.answered;
    // Before the replay is kept again (keep closes its session): what whileOpen does on it is rolled back.
    if (!answered) await ctx.whileOpen?.(catalogs as Catalog[], firstSession);
    for (const keep of keeps) await keep().catch(() => {});
    return answered ? null : (catalogs as Catalog[]);
  } finally {
    await pool.close();
  }
}
