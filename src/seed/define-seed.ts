import type { PgRemoteDatabase } from 'drizzle-orm/pg-proxy';
import type * as schema from '../../schema/index.js';

/** What a seed module gets: the database as Drizzle (typed by the SmartEM model), in the seed's transaction. */
export interface SeedContext {
  db: PgRemoteDatabase<typeof schema>;
}

export interface SeedModule {
  description: string;
  run: (context: SeedContext) => Promise<void>;
}

/**
 * Declares a seed module (a file in seed/): what it seeds, and how. It runs in a transaction with
 * the others and must be idempotent (run twice, the same rows): insert with onConflictDoNothing or
 * onConflictDoUpdate.
 *
 * @example export default defineSeed('prediction models', async ({ db }) => { await db.insert(...).onConflictDoNothing(); });
 */
export function defineSeed(description: string, run: SeedModule['run']): SeedModule {
  return { description, run };
}
