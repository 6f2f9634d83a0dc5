import { introspect } from '../catalog/introspect.js';
import { openServerSession } from '../db/postgres-session.js';
import type { DbSession } from '../db/session.js';
import type { Catalog } from '../catalog/catalog.js';
import type { JournalRef } from '../migrations/journal.js';
import type { MigrationsFolder } from '../migrations/migration-folder.js';
import { replayMigrations } from '../scratch/replay.js';
import { applyModel } from '../scratch/apply-model.js';
import { withScratchDatabases, type ScratchTarget } from '../scratch/scratch-databases.js';
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
}

/**
 * Reads each source into a Catalog: scratch databases for `migrations` and `schema` (dropped
 * afterwards), a plain read of the catalog for a URL.
 */
export async function modelsOf(sources: DiffSource[], ctx: SourceContext): Promise<Catalog[]> {
  const exclude = { excludeSchemas: [ctx.journal.schema] };
  const scratchCount = sources.filter((s) => typeof s === 'string').length;
  return withScratchDatabases(ctx.scratch, scratchCount, async (scratch) => {
    let next = 0;
    const models: Catalog[] = [];
    for (const source of sources) {
      if (typeof source !== 'string') {
        const live = await openServerSession(source.url, { source: source.source });
        try {
          models.push(await introspect(live, exclude));
        } finally {
          await live.close();
        }
        continue;
      }
      const session: DbSession = scratch[next++]!;
      if (source === 'migrations') {
        models.push(await replayMigrations(session, ctx.folder(), ctx.journal));
      } else {
        await applyModel(session, await ctx.modelStatements());
        models.push(await introspect(session, exclude));
      }
    }
    return models;
  });
}
