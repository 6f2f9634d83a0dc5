import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { SessionTarget } from '../db/open-session.js';
import type { DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';
import { serverAddress } from '../db/connection-url.js';
import { pgTool, runPgTool } from './pg-tools.js';

export const DEFAULT_BACKUP_DIR = '.smartem-db/backups';

/** A backup written before migrating. */
export interface Backup {
  file: string;
  bytes: number;
  durationMs: number;
  /** How to bring it back, as a command. */
  restore: string;
}

/**
 * Writes a restorable snapshot of the database before migrations change it: `pg_dump` in custom
 * format for a server, the whole data directory (a gzipped tarball) for the embedded database.
 * The name carries the database, the migration it is at and the time:
 * `<database>-<head or base>-<YYYYMMDDTHHMMSSZ>.dump` (or `.tar.gz`).
 */
export async function writeBackup(
  session: DbSession,
  target: SessionTarget,
  head: string | null,
  dir: string,
): Promise<Backup> {
  const started = performance.now();
  mkdirSync(dir, { recursive: true });
  const at = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const shownDir = relative(process.cwd(), dir) || dir;
  if (target.kind === 'embedded') {
    if (!session.dumpDataDir)
      throw new SmartemDbError('BACKUP_FAILED', 'This embedded database cannot dump its data directory.');
    const file = join(dir, `embedded-${head ?? 'base'}-${at}.tar.gz`);
    writeFileSync(file, await session.dumpDataDir());
    return done(file, started, `smartem-db restore ${join(shownDir, `embedded-${head ?? 'base'}-${at}.tar.gz`)} --yes`);
  }
  if (target.kind !== 'url') {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      "A backup needs the database's URL for pg_dump; with an application's postgres.js client (sql), pass url (or directUrl) too.",
    );
  }
  const database = serverAddress(target.url).database ?? 'postgres';
  const name = `${database.replace(/[^\w.-]+/g, '_')}-${head ?? 'base'}-${at}.dump`;
  const file = join(dir, name);
  await runPgTool(await pgTool('pg_dump', session), ['--format=custom', `--file=${file}`], target.url);
  return done(file, started, `smartem-db restore ${join(shownDir, name)} --url <the database's URL> --yes`);
}

function done(file: string, started: number, restore: string): Backup {
  return {
    file: resolve(file),
    bytes: statSync(file).size,
    durationMs: Math.round(performance.now() - started),
    restore,
  };
}
