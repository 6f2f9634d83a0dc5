import type { Catalog } from '../catalog/catalog.js';
import { introspect } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import type { JournalRef } from '../migrations/journal.js';
import type { MigrationsFolder } from '../migrations/migration-folder.js';
import { upgrade, type RunnerContext } from '../migrations/runner.js';

/**
 * The runner on a scratch database: nothing else uses it, so no statement waits for a lock
 * (lock_timeout 0 means no limit) and nothing is logged.
 */
export function scratchRunner(session: DbSession, folder: MigrationsFolder, journal: JournalRef): RunnerContext {
  return { session, folder, journal, lockTimeoutMs: 0 };
}

/** A rollback on a scratch database drops what it drops: its rows are samples (verify --with-data), never a user's. */
export const SCRATCH_ROWS_ARE_SAMPLES = { allowDataLoss: true } as const;

/**
 * Replays the migrations folder (all of it, or up to `to`: an id or `base`) on a scratch database
 * and reads what it produced, without the journal's schema: the state the migrations describe.
 *
 * @example const expected = await replayMigrations(scratch, folder, journal);
 */
export async function replayMigrations(
  session: DbSession,
  folder: MigrationsFolder,
  journal: JournalRef,
  to?: string,
): Promise<Catalog> {
  await replayState(session, folder, journal, to);
  return introspect(session, { excludeSchemas: [journal.schema] });
}

/**
 * Replays the migrations folder (or up to `to`) on a scratch database without reading what it
 * produced: for a proof whose starting catalog is already known.
 *
 * @example await replayState(scratch, folder, journal);
 */
export async function replayState(
  session: DbSession,
  folder: MigrationsFolder,
  journal: JournalRef,
  to?: string,
): Promise<void> {
  await upgrade(scratchRunner(session, folder, journal), to === undefined ? {} : { to });
}
