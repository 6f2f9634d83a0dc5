import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  down: MigrationScript | undefined;
  /** The checksum of up.sql, recorded in the journal when the migration is applied. */
  checksum: string;
}

export interface MigrationsFolder {
  folder: string;
  /** In the order they apply. */
  migrations: Migration[];
  entries: ManifestEntry[];
}

const IGNORED = new Set(['meta']);

/**
 * Reads every `YYYY_MM_DD_HHMM-NNN_description/` folder with its up.sql and optional down.sql, in
 * apply order (by number), and checks the folder's checksum manifest unless told not to.
 *
 * @example const { migrations } = readMigrationsFolder('drizzle'); migrations.at(-1)?.id
 */
export function readMigrationsFolder(folder: string, options: { verify?: boolean } = {}): MigrationsFolder {
  const shown = relative(process.cwd(), folder) || '.';
  if (!existsSync(folder)) return { folder, migrations: [], entries: [] };
  const migrations: Migration[] = [];
  const entries: ManifestEntry[] = [];
  for (const dirent of readdirSync(folder, { withFileTypes: true })) {
    if (!dirent.isDirectory() || dirent.name.startsWith('.') || IGNORED.has(dirent.name)) continue;
    const name = parseMigrationName(dirent.name);
    if (!name) {
      throw new SmartemDbError(
        'MIGRATIONS_FOLDER_INVALID',
        `${join(shown, dirent.name)}/ is not a migration folder name: expected ${MIGRATION_NAME_FORMAT}.`,
      );
    }
    const dir = join(folder, dirent.name);
    const read = (file: string) => {
      const path = join(dir, file);
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    };
    const upText = read('up.sql');
    if (upText === undefined) {
      throw new SmartemDbError('MIGRATIONS_FOLDER_INVALID', `${join(shown, dirent.name)}/up.sql is missing.`);
    }
    const downText = read('down.sql');
    entries.push({ path: `${dirent.name}/up.sql`, text: upText });
    if (downText !== undefined) entries.push({ path: `${dirent.name}/down.sql`, text: downText });
    const header = (file: string, text: string) => {
      try {
        return parseHeader(text);
      } catch (error) {
        if (error instanceof HeaderError) {
          throw new SmartemDbError('MIGRATIONS_FOLDER_INVALID', `${join(shown, dirent.name, file)}: ${error.message}.`);
        }
        throw error;
      }
    };
    const upHeader = header('up.sql', upText);
    migrations.push({
      id: name.id,
      number: name.number,
      description: name.description,
      parent: upHeader.parent,
      up: { file: join(shown, dirent.name, 'up.sql'), text: upText, transactional: upHeader.transactional },
      down:
        downText === undefined
          ? undefined
          : { file: join(shown, dirent.name, 'down.sql'), text: downText, transactional: header('down.sql', downText).transactional },
      checksum: checksumOf(upText),
    });
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
  if (options.verify !== false) verifyManifest(folder, entries, shown);
  return { folder, migrations, entries };
}

/** Rewrites the folder's checksum manifest from the files as they are now (`smartem-db hash`). */
export function rehashMigrationsFolder(folder: string): string {
  const { entries } = readMigrationsFolder(folder, { verify: false });
  writeManifest(folder, entries);
  return join(folder, MANIFEST_FILE);
}
