import type { DbSession } from '../db/session.js';
import type { Logger } from './logger.js';
import { concurrentIndexBuild, concurrentIndexDrop } from './statement-kind.js';

/**
 * Before a resumed no-transaction migration runs the statement it stopped at, finds out what
 * happened to it. Most statements were rolled back by the server when they failed or their
 * session died, so they simply run again. A concurrent index build is not: it commits in stages,
 * and leaves an INVALID index when stopped midway, or a finished one if the process died after
 * it completed but before the journal recorded it. The invalid index is dropped and rebuilt; a
 * valid one is kept and the statement counted as done. A concurrent drop that completed is done.
 */
export async function recoverInterruptedStatement(
  session: DbSession,
  sql: string,
  k: number,
  logger: Logger | undefined,
): Promise<'done' | 'run'> {
  const build = concurrentIndexBuild(sql);
  if (build) {
    const [index] = await session.query<{ qualified: string; valid: boolean }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS qualified, i.indisvalid AND i.indisready AS valid
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = $1 AND i.indrelid = to_regclass($2)`,
      [build.index, build.table],
    );
    if (!index) return 'run';
    if (index.valid) {
      logger?.info(
        `Statement ${k + 1} built index ${index.qualified} completely before it stopped; it is kept and not built again.`,
      );
      return 'done';
    }
    logger?.info(
      `Statement ${k + 1} left index ${index.qualified} INVALID (its concurrent build stopped midway); dropping it to build it again.`,
    );
    await session.exec(`DROP INDEX CONCURRENTLY IF EXISTS ${index.qualified}`);
    return 'run';
  }
  const dropped = concurrentIndexDrop(sql);
  if (dropped) {
    const [exists] = await session.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [dropped]);
    if (!exists?.oid) {
      logger?.info(`Statement ${k + 1} had dropped index ${dropped} before it stopped; nothing to do again.`);
      return 'done';
    }
  }
  return 'run';
}
