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
  /** The new migration. */
  id: string;
  files: { up: string; down: string };
  /** The state up.sql must produce (the model) and the one down.sql must give back. */
  want: Catalog;
  have: Catalog;
  exclude: { excludeSchemas: string[] };
  /** What is proved, for the message (default: the generated migration) ... */
  subject?: string;
  /** ... and what was not done because it failed. */
  notDone?: string;
}

/**
 * Applies a new migration with the real runner on the scratch database that holds the current
 * state, and compares catalogs: after up it must equal the model, after down the state before.
 * Throws PROOF_FAILED saying which step failed and what differs; returns the catalogs after up
 * and after down.
 */
export async function proveMigration({
  session,
  folder,
  journal,
  id,
  files,
  want,
  have,
  exclude,
  subject = `The generated migration ${id}`,
  notDone = 'nothing was written',
}: ProofInput): Promise<{ afterUp: Catalog; afterDown: Catalog }> {
  const ctx = scratchRunner(session, withMigration(folder, id, files), journal);
  // An index can be in the catalog and not work (a partitioned one made ON ONLY): the proof
  // also asks that the migration leaves no index invalid that was not before.
  const invalidBefore = new Set((await invalidIndexes(session, exclude.excludeSchemas)).map(keyOf));
  const newlyInvalid = async () =>
    (await invalidIndexes(session, exclude.excludeSchemas))
      .filter((i) => !invalidBefore.has(keyOf(i)))
      .map((i) => `  - index ${keyOf(i)} on ${i.table} is INVALID`);
  const failed = (step: string, detail: string, cause?: unknown) =>
    new SmartemDbError(
      'PROOF_FAILED',
      `${subject} did not pass its proof (${step}); ${notDone}.\n${detail}\n\nup.sql:\n${files.up}\ndown.sql:\n${files.down}`,
      cause === undefined ? undefined : { cause },
    );
  // Each direction: run it with the real runner, then the catalog must be what it should.
  const step = async (
    script: 'up.sql' | 'down.sql',
    run: () => Promise<unknown>,
    expected: Catalog,
    differs: string,
  ) => {
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
    const differences = [...catalogDifferences(now, expected), ...(await newlyInvalid())];
    if (differences.length) throw failed(differs, differences.map((d) => `  - ${d}`).join('\n'));
    return now;
  };
  const afterUp = await step(
    'up.sql',
    () => upgrade(ctx),
    want,
    'after up.sql the database differs from the Drizzle model',
  );
  const afterDown = await step(
    'down.sql',
    () => downgrade(ctx, { steps: 1 }, SCRATCH_ROWS_ARE_SAMPLES),
    have,
    'after down.sql the database differs from before',
  );
  return { afterUp, afterDown };
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
