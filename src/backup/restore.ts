import { existsSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SessionTarget } from '../db/open-session.js';
import { sqlStateOf, type DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';
import { importOptional } from '../optional-dependency.js';
import { quoteIdent } from '../sql/quote.js';
import { pgTool, runPgTool } from './pg-tools.js';

export interface Restored {
  file: string;
  database: string;
  durationMs: number;
  /** For the embedded database: where its data directory as it was before the restore was moved. */
  previous: string | null;
}

/**
 * Puts a database back as a backup of writeBackup() found it. A server: every schema of the
 * database is dropped, then pg_restore loads the dump in one transaction (a restore replaces, it
 * does not merge: tables a later migration created must go too). The embedded database: its data
 * directory is moved aside and the backup's unpacked in its place.
 */
export async function restoreBackup(
  target: SessionTarget,
  file: string,
  open: () => Promise<DbSession>,
): Promise<Restored> {
  const path = resolve(file);
  if (!existsSync(path)) throw new SmartemDbError('CONFIG_INVALID', `The backup ${path} does not exist.`);
  const started = performance.now();
  if (target.kind === 'embedded') {
    if (!path.endsWith('.tar.gz')) {
      throw new SmartemDbError(
        'INVALID_ARGUMENT',
        `${path} is not a backup of the embedded database (a .tar.gz of its data directory).`,
      );
    }
    const previous = existsSync(target.dataDir) ? `${target.dataDir}.before-restore-${Date.now()}` : null;
    if (previous) renameSync(target.dataDir, previous);
    const { PGlite } = await importOptional(
      () => import('@electric-sql/pglite'),
      ['@electric-sql/pglite'],
      'Restoring the embedded database',
    );
    const db = await PGlite.create(target.dataDir, { loadDataDir: new Blob([readFileSync(path)]) });
    await db.close();
    return { file: path, database: target.dataDir, durationMs: Math.round(performance.now() - started), previous };
  }
  if (target.kind !== 'url') {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      "A restore needs the database's URL for pg_restore (url or DATABASE_URL).",
    );
  }
  const session = await open();
  try {
    const program = await pgTool('pg_restore', session);
    // A file pg_restore cannot read is refused before anything is dropped.
    await runPgTool(program, ['--list', path], target.url).catch((error: SmartemDbError) => {
      throw new SmartemDbError(
        'INVALID_ARGUMENT',
        `${path} is not a pg_dump archive pg_restore can read: ${error.message}`,
      );
    });
    const schemas = await session.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
    );
    for (const { name } of schemas) await session.exec(`DROP SCHEMA ${quoteIdent(name)} CASCADE`);
    // The public schema as a new PostgreSQL 15 database has it; pg_dump leaves it out.
    await session.exec('CREATE SCHEMA public');
    await session
      .exec('ALTER SCHEMA public OWNER TO pg_database_owner; GRANT USAGE ON SCHEMA public TO PUBLIC')
      // PostgreSQL before 14 has no pg_database_owner; a role that may not change owners keeps its own.
      .catch((error: unknown) => {
        if (sqlStateOf(error) !== '42704' && sqlStateOf(error) !== '42501') throw error;
      });
    await runPgTool(program, ['--no-owner', '--exit-on-error', '--single-transaction', path], target.url);
    return { file: path, database: session.label, durationMs: Math.round(performance.now() - started), previous: null };
  } finally {
    await session.close();
  }
}
