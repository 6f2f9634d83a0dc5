// The proof: a migration generate wrote runs up and down with the real runner on a scratch
// database, and each direction must leave exactly the catalog it should.
import { introspect } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import { MigrationFailedError, SmartemDbError } from '../errors.js';
import type { Catalog } from '../catalog/catalog.js';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import { invalidIndexes } from '../catalog/invalid-indexes.js';
import { appliedIds, readJournal, type JournalRef } from '../migrations/journal.js';
import { withMigration, type MigrationsFolder } from '../migrations/migration-folder.js';
import { downgrade, upgrade } from '../migrations/runner.js';
import { SCRATCH_ROWS_ARE_SAMPLES, scratchRunner } from '../scratch/replay.js';
import { keyOf } from '../catalog/qualified-name.js';

interface ProofInput {
  /** A scratch database holding the state the folder's migrations produce. */
  session: DbSession;
  folder: MigrationsFolder;
  journal: JournalRef;
  /** The new migrations, in order (one, or an expand and its contract). */
  migrations: { id: string; files: { up: string; down: string } }[];
  /** The state the last up.sql must produce (the model) and the one the first down.sql must give back. */
  want: Catalog;
  have: Catalog;
  exclude: { excludeSchemas: string[] };
  /** What is proved, for the message (default: the generated migration) ... */
  subject?: string;
  /** ... and what was not done because it failed. */
  notDone?: string;
}

/**
 * Applies new migrations with the real runner on the scratch database that holds the current
 * state, one by one, and compares catalogs: after the last up it must equal the model; rolled
 * back one by one, each down must give the state before its up, and the first the state before
 * them all. Throws PROOF_FAILED saying which step failed and what differs; returns the catalog
 * after every up.
 */
export async function proveMigration({
  session,
  folder,
  journal,
  migrations,
  want,
  have,
  exclude,
  subject = `The generated migration ${migrations.map((m) => m.id).join(' and ')}`,
  notDone = 'nothing was written',
}: ProofInput): Promise<{ afterUp: Catalog; afterDown: Catalog }> {
  const withAll = migrations.reduce((f, m) => withMigration(f, m.id, m.files), folder);
  const ctx = scratchRunner(session, withAll, journal);
  // An index can be in the catalog and not work (a partitioned one made ON ONLY): the proof
  // also asks that the migration leaves no index invalid that was not before.
  const invalidBefore = new Set((await invalidIndexes(session, exclude.excludeSchemas)).map(keyOf));
  const newlyInvalid = async () =>
    (await invalidIndexes(session, exclude.excludeSchemas))
      .filter((i) => !invalidBefore.has(keyOf(i)))
      .map((i) => `  - index ${keyOf(i)} on ${i.table} is INVALID`);
  const scripts = migrations
    .map((m) => `${m.id}/up.sql:\n${m.files.up}\n${m.id}/down.sql:\n${m.files.down}`)
    .join('\n');
  const failed = (step: string, detail: string, cause?: unknown) =>
    new SmartemDbError(
      'PROOF_FAILED',
      `${subject} did not pass its proof (${step}); ${notDone}.\n${detail}\n\n${scripts}`,
      cause === undefined ? undefined : { cause },
    );
  // Each direction: run it with the real runner, then the catalog must be what it should.
  const step = async (script: string, run: () => Promise<unknown>, expected: Catalog | null, differs: string) => {
    try {
      await run();
    } catch (error) {
      throw failed(
        `applying ${script} failed`,
        error instanceof MigrationFailedError ? error.message : String(error),
        error,
      );
    }
    const now = await introspect(session, exclude);
    const differences = [...(expected ? catalogDifferences(now, expected) : []), ...(await newlyInvalid())];
    if (differences.length) throw failed(differs, differences.map((d) => `  - ${d}`).join('\n'));
    return now;
  };
  const after: Catalog[] = [];
  for (const [i, m] of migrations.entries()) {
    const last = i === migrations.length - 1;
    after.push(
      await step(
        `${migrations.length > 1 ? `${m.id}/` : ''}up.sql`,
        () => upgrade(ctx, { to: m.id }),
        last ? want : null,
        'after up.sql the database differs from the Drizzle model',
      ),
    );
  }
  let afterDown = after.at(-1)!;
  for (let i = migrations.length - 1; i >= 0; i--) {
    afterDown = await step(
      `${migrations.length > 1 ? `${migrations[i]!.id}/` : ''}down.sql`,
      () => downgrade(ctx, { steps: 1 }, SCRATCH_ROWS_ARE_SAMPLES),
      i === 0 ? have : after[i - 1]!,
      i === 0
        ? 'after down.sql the database differs from before'
        : `after down.sql the database differs from after ${migrations[i - 1]!.id}`,
    );
  }
  return { afterUp: after.at(-1)!, afterDown };
}

/** With --from-db: the live database must be at the folder's head, and what its migrations produce. */
export async function checkLiveMatches(
  live: DbSession,
  input: { journal: JournalRef; folder: MigrationsFolder },
  replayed: Catalog,
): Promise<void> {
  const rows = (await readJournal(live, input.journal)) ?? [];
  const applied = appliedIds(rows);
  const head = input.folder.migrations.at(-1)?.id;
  const missing = input.folder.migrations.filter((m) => !applied.has(m.id));
  if (missing.length) {
    throw new SmartemDbError(
      'NOT_AT_HEAD',
      `${live.label} is not at the head migration${head ? ` ${head}` : ''}: ${missing.map((m) => m.id).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not applied. ` +
        'Run `smartem-db upgrade` on it first, or generate from the migrations folder (without --from-db).',
    );
  }
  const liveModel = await introspect(live, { excludeSchemas: [input.journal.schema] });
  const drift = catalogDifferences(liveModel, replayed);
  if (drift.length) {
    throw new SmartemDbError(
      'DRIFTED',
      `${live.label} has drifted from what its migrations produce (someone changed it by hand):\n${drift.map((d) => `  - ${d}`).join('\n')}\n` +
        'Generate from the migrations folder instead, or bring the database back in line first.',
    );
  }
}
