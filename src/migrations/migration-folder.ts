import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SmartemDbError } from '../errors.js';
import { checksumOf } from './checksum.js';
import { HeaderError, parseHeader } from './migration-header.js';
import { MIGRATION_NAME_FORMAT, parseMigrationName } from './migration-name.js';
import { MANIFEST_FILE, verifyManifest, writeManifest, type ManifestEntry } from './manifest.js';

/** One script of a migration (up.sql or down.sql). */
export interface MigrationScript {
  /** Path as shown to the user, relative to the working directory. */
  file: string;
  text: string;
  transactional: boolean;
}

/** A migration folder read from disk. */
export interface Migration {
  id: string;
  number: number;
  description: string;
  parent: string | null | undefined;
  up: MigrationScript;
  /** Read on first use: the no-op path of migrate() never needs it. */
  readonly down: MigrationScript | undefined;
  /** The checksum of up.sql, recorded in the journal when the migration is applied. */
  checksum: string;
}

export interface MigrationsFolder {
  folder: string;
  /** The folder as shown in messages (relative to the working directory). */
  shown: string;
  /** In the order they apply. */
  migrations: Migration[];
}

const IGNORED = new Set(['meta']);

/**
 * Reads every `YYYY_MM_DD_HHMM-NNN_description/` folder's up.sql (down.sql on demand), in apply
 * order (by number). With `verify` (the default) it also checks the folder's checksum manifest.
 *
 * @example const { migrations } = readMigrationsFolder('drizzle'); migrations.at(-1)?.id
 */
export function readMigrationsFolder(folder: string, options: { verify?: boolean } = {}): MigrationsFolder {
  const shown = relative(process.cwd(), folder) || '.';
  let dirents;
  try {
    dirents = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { folder, shown, migrations: [] };
    throw error;
  }
  const migrations: Migration[] = [];
  for (const dirent of dirents) {
    if (!dirent.isDirectory() || dirent.name.startsWith('.') || IGNORED.has(dirent.name)) continue;
    const name = parseMigrationName(dirent.name);
    if (!name) {
      throw new SmartemDbError(
        'MIGRATIONS_FOLDER_INVALID',
        `${join(shown, dirent.name)}/ is not a migration folder name: expected ${MIGRATION_NAME_FORMAT}.`,
      );
    }
    migrations.push(readMigration(folder, shown, name.id, name.number, name.description));
  }
  migrations.sort((a, b) => a.number - b.number || (a.id < b.id ? -1 : 1));
  for (let k = 1; k < migrations.length; k++) {
    const [a, b] = [migrations[k - 1]!, migrations[k]!];
    if (a.number === b.number) {
      throw new SmartemDbError(
        'MIGRATIONS_FOLDER_INVALID',
        `Two migrations are numbered ${String(a.number).padStart(3, '0')}: ${join(shown, a.id)}/ and ${join(shown, b.id)}/. ` +
          'Two branches each added a migration; renumber the one that was merged last (and set its parent), then run `smartem-db hash`.',
      );
    }
  }
  const result = { folder, shown, migrations };
  if (options.verify !== false) verifyFolderManifest(result);
  return result;
}

function readMigration(folder: string, shown: string, id: string, number: number, description: string): Migration {
  const dir = join(folder, id);
  const upText = readIfExists(join(dir, 'up.sql'));
  if (upText === undefined) {
    throw new SmartemDbError('MIGRATIONS_FOLDER_INVALID', `${join(shown, id)}/up.sql is missing.`);
  }
  const header = (file: string, text: string) => {
    try {
      return parseHeader(text);
    } catch (error) {
      if (error instanceof HeaderError) {
        throw new SmartemDbError('MIGRATIONS_FOLDER_INVALID', `${join(shown, id, file)}: ${error.message}.`);
      }
      throw error;
    }
  };
  const upHeader = header('up.sql', upText);
  let down: MigrationScript | undefined | null = null;
  return {
    id,
    number,
    description,
    parent: upHeader.parent,
    up: { file: join(shown, id, 'up.sql'), text: upText, transactional: upHeader.transactional },
    get down() {
      if (down === null) {
        const text = readIfExists(join(dir, 'down.sql'));
        down = text === undefined ? undefined : { file: join(shown, id, 'down.sql'), text, transactional: header('down.sql', text).transactional };
      }
      return down;
    },
    checksum: checksumOf(upText),
  };
}

/** Every file the manifest covers, with its checksum (reads each down.sql). */
export function manifestEntries(folder: MigrationsFolder): ManifestEntry[] {
  return folder.migrations.flatMap((m) => [
    { path: `${m.id}/up.sql`, checksum: m.checksum },
    ...(m.down ? [{ path: `${m.id}/down.sql`, checksum: checksumOf(m.down.text) }] : []),
  ]);
}

/**
 * Checks the folder against its checksum manifest; throws MANIFEST_MISMATCH naming each file
 * added, removed or edited without `smartem-db hash`. Runs before any migration is applied or
 * rolled back.
 */
export function verifyFolderManifest(folder: MigrationsFolder): void {
  verifyManifest(folder.folder, manifestEntries(folder), folder.shown);
}

/** Rewrites the folder's checksum manifest from the files as they are now (`smartem-db hash`). */
export function rehashMigrationsFolder(folder: string): string {
  writeManifest(folder, manifestEntries(readMigrationsFolder(folder, { verify: false })));
  return join(folder, MANIFEST_FILE);
}

/** A file's text, or undefined when it does not exist (one open, no separate stat). */
function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
