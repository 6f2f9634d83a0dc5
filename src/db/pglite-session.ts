import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { DbSession } from './session.js';

/**
 * Opens the embedded PGlite database kept in `dataDir` (created on first use). It needs no
 * server, so a new user can run migrations on a fresh machine; it is one process's database.
 *
 * @example const session = await openEmbeddedSession('.smartem-db/pglite');
 */
export async function openEmbeddedSession(dataDir: string): Promise<DbSession> {
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir);
  const shown = relative(process.cwd(), dataDir) || dataDir;
  return {
    label: `embedded PGlite database in ${shown.startsWith('..') ? dataDir : shown}`,
    embedded: true,
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await db.query<T>(text, params as unknown[])).rows;
    },
    async exec(text: string) {
      await db.exec(text);
    },
    close: () => db.close(),
  };
}
