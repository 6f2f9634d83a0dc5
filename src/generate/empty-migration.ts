import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationsFolder } from '../migrations/migration-folder.js';
import { rehashMigrationsFolder } from '../migrations/migration-folder.js';
import { renderHeader } from '../migrations/migration-header.js';
import { formatMigrationName } from '../migrations/migration-name.js';
import type { GenerateResult } from './generate.js';

/** An empty up/down pair for a hand-written migration (Alembic's `revision -m`), added to the manifest. */
export function writeEmptyMigration(folder: MigrationsFolder, name: string, now: Date): GenerateResult {
  const last = folder.migrations.at(-1);
  const id = formatMigrationName(now, (last?.number ?? 0) + 1, name);
  const up = `${renderHeader(id, last?.id ?? null, true, 'up')}-- Write the migration here. Its statements run in order, in one transaction\n-- (set "transaction: no" above for CREATE INDEX CONCURRENTLY and the like).\n`;
  const down = `${renderHeader(id, last?.id ?? null, true, 'down')}-- Undo what up.sql does, so that \`smartem-db downgrade -1\` can roll it back.\n`;
  mkdirSync(join(folder.folder, id), { recursive: true });
  writeFileSync(join(folder.folder, id, 'up.sql'), up);
  writeFileSync(join(folder.folder, id, 'down.sql'), down);
  rehashMigrationsFolder(folder.folder);
  return { id, ops: [], up, down, hazards: [], proved: false };
}
