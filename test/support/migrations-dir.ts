import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { hash } from '../../src/api.js';
import { renderHeader } from '../../src/migrations/migration-header.js';

export interface MigrationSpec {
  /** The description part of the folder name. */
  name: string;
  up: string;
  down?: string;
  transaction?: boolean;
  downTransaction?: boolean;
}

/** The folder name of the n-th test migration (1-based). */
export function migrationId(n: number, name: string): string {
  return `2026_01_${String(n).padStart(2, '0')}_1200-${String(n).padStart(3, '0')}_${name}`;
}

/**
 * Writes a migrations folder in smartem-db's format, numbered 001, 002, ... with headers and
 * a checksum manifest, into a temporary directory removed after the test.
 */
export function writeMigrations(specs: MigrationSpec[], folder = tempDir()): string {
  specs.forEach((spec, i) => addMigration(folder, i + 1, spec, i === 0 ? null : migrationId(i, specs[i - 1]!.name)));
  hash({ migrationsFolder: folder });
  return folder;
}

export function addMigration(
  folder: string,
  n: number,
  spec: MigrationSpec,
  parent: string | null,
  rehash = false,
): string {
  const id = migrationId(n, spec.name);
  mkdirSync(join(folder, id), { recursive: true });
  writeFileSync(join(folder, id, 'up.sql'), renderHeader(id, parent, spec.transaction ?? true, 'up') + spec.up + '\n');
  if (spec.down !== undefined) {
    writeFileSync(
      join(folder, id, 'down.sql'),
      renderHeader(id, parent, spec.downTransaction ?? true, 'down') + spec.down + '\n',
    );
  }
  if (rehash) hash({ migrationsFolder: folder });
  return id;
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smartem-db-test-'));
  temps.push(dir);
  return dir;
}
