// The session and migrations folder every database verb of the API runs with.
import { openSession } from './db/open-session.js';
import type { DbSession } from './db/session.js';
import type { MigrationsFolder } from './migrations/migration-folder.js';
import type { RunnerContext } from './migrations/runner.js';
import { DEFAULT_LOCK_RETRY } from './migrations/lock-retry.js';
import { configOf, journalOf, openMigrationsFolder, type CommonOptions } from './options.js';

/**
 * Opens the session and the migrations folder the runner needs, runs `work`, and closes the session
 * whatever happens: every verb of the API that touches a database goes through it.
 */
export async function withRunner<T>(
  options: CommonOptions,
  work: (ctx: RunnerContext) => Promise<T>,
  beforeChanges?: RunnerContext['beforeChanges'],
): Promise<T> {
  const config = configOf(options);
  // The manifest is checked by the runner before anything runs, not on the no-op path.
  const folder: MigrationsFolder = openMigrationsFolder(options, config, { verify: false, requireMigrations: true });
  const session: DbSession = await openSession(
    options,
    () => config().database,
    (embedded) =>
      options.logger?.info(`No database configured (DATABASE_URL or POSTGRES_*): using the ${embedded.label}.`),
  );
  try {
    return await work({
      session,
      folder,
      journal: journalOf(options),
      // Read only when a migration runs, so the no-op path does not read env files for it.
      get lockTimeoutMs() {
        return options.lockTimeoutMs ?? config().lockTimeoutMs;
      },
      get lockRetry() {
        return { ...DEFAULT_LOCK_RETRY, retries: options.lockRetries ?? config().lockRetries };
      },
      // Read only when a migration runs, like the lock settings.
      get maxReplicaLagMs() {
        return options.maxReplicaLagMs ?? config().maxReplicaLagMs;
      },
      logger: options.logger,
      beforeChanges,
    });
  } finally {
    await session.close();
  }
}
