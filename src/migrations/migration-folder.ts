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
  /** For a contract: the expand migration it completes (held back unless asked for). */
  contracts?: string;
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
  /**
   * Made in memory from a folder whose manifest was checked, plus a migration not yet written
   * (generate's proof): there is no manifest on disk to check it against.
   */
  inMemory?: true;
}

const IGNORED = new Set(['meta']);

export interface ReadFolderOptions {
  /** Check the checksum manifest (default true). */
  verify?: boolean;
  /** A folder that does not exist reads as empty (generate, which creates it); otherwise it is an error. */
  allowMissing?: boolean;
  /** Where the folder's path came from, for messages ("--migrations", "SMARTEM_DB_MIGRATIONS (.env)"). */
  source?: string;
  /** Read two migrations with one number without refusing (rebase, which is how they are told apart). */
  allowDuplicateNumbers?: boolean;
}

/**
 * Reads every `YYYY_MM_DD_HHMM-NNN_description/` folder's up.sql (down.sql on demand), in apply
 * order (by number). With `verify` (the default) it also checks the folder's checksum manifest.
 * A folder that does not exist, or is a file, is an error naming the path and where it came from.
 *
 * @example const { migrations } = readMigrationsFolder('drizzle'); migrations.at(-1)?.id
 */
export function readMigrationsFolder(folder: string, options: ReadFolderOptions = {}): MigrationsFolder {
  const shown = relative(process.cwd(), folder) || '.';
  const from = options.source ? ` (from ${options.source})` : '';
  let dirents;
  try {
    dirents = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.allowMissing) return { folder, shown, migrations: [] };
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new SmartemDbError(
        'CONFIG_INVALID',
        `The migrations folder ${folder}${from} ${code === 'ENOENT' ? 'does not exist' : 'is a file, not a folder'}. ` +
          'Give the folder that holds the YYYY_MM_DD_HHMM-NNN_description/ migrations with --migrations (or the ' +
          'migrationsFolder option, or SMARTEM_DB_MIGRATIONS).',
      );
    }
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
  for (let k = 1; k < migrations.length && !options.allowDuplicateNumbers; k++) {
    const [a, b] = [migrations[k - 1]!, migrations[k]!];
    if (a.number === b.number) {
      throw new SmartemDbError(
        'MIGRATIONS_FOLDER_INVALID',
        `Two migrations are numbered ${String(a.number).padStart(3, '0')}: ${join(shown, a.id)}/ and ${join(shown, b.id)}/. ` +
          "Two branches each added a migration: run `smartem-db rebase` to number this branch's after the other's (or renumber by hand, set its parent, and run `smartem-db hash`).",
      );
    }
  }
  for (const [k, m] of migrations.entries()) {
    if (m.contracts && !migrations.slice(0, k).some((e) => e.id === m.contracts)) {
      throw new SmartemDbError(
        'MIGRATIONS_FOLDER_INVALID',
        `${m.up.file}: "-- contracts: ${m.contracts}" names no migration before it. A contract completes an expand ` +
          'that comes earlier in the folder; correct the id (or remove the line if this is not a contract), then run `smartem-db hash`.',
      );
    }
  }
  if (migrations.length === 0) {
    const foreign = foreignMigrations(
      folder,
      dirents.map((d) => d.name),
    );
    if (foreign) throw new SmartemDbError('CONFIG_INVALID', `${shown}${from}: ${foreign}`);
  }
  const result = { folder, shown, migrations };
  if (options.verify !== false) verifyFolderManifest(result);
  return result;
}

/**
 * A description of another tool's migrations found where smartem-db's were expected, or
 * undefined: drizzle-kit's (meta/_journal.json and NNNN_name.sql), or plain .sql files.
 */
function foreignMigrations(folder: string, names: readonly string[]): string | undefined {
  const sql = names.filter((n) => n.endsWith('.sql'));
  const drizzleKit = names.includes('meta') && readIfExists(join(folder, 'meta', '_journal.json')) !== undefined;
  if (!drizzleKit && sql.length === 0) return undefined;
  const what = drizzleKit
    ? `holds drizzle-kit's migrations (meta/_journal.json${sql.length ? `, ${sql.slice(0, 3).join(', ')}${sql.length > 3 ? ', ...' : ''}` : ''})`
    : `holds .sql files (${sql.slice(0, 3).join(', ')}${sql.length > 3 ? ', ...' : ''}) but no smartem-db migration folders`;
  return (
    `${what}. smartem-db keeps each migration as a folder YYYY_MM_DD_HHMM-NNN_description/ with up.sql and down.sql, ` +
    "so it has nothing to run here. Point --migrations at smartem-db's folder (by default the SmartEM migrations " +
    "bundled with the package). To bring a schema that drizzle-kit built over, keep drizzle-kit's folder where it is, " +
    "write the current schema as smartem-db's first migration (`smartem-db generate -m baseline` from the Drizzle model) and " +
    '`smartem-db stamp` it on databases that already have it.'
  );
}

function readMigration(folder: string, shown: string, id: string, number: number, description: string): Migration {
  const dir = join(folder, id);
  const upText = readIfExists(join(dir, 'up.sql'), join(shown, id, 'up.sql'));
  if (upText === undefined) {
    throw new SmartemDbError('MIGRATIONS_FOLDER_INVALID', `${join(shown, id)}/up.sql is missing.`);
  }
  return migrationOf(shown, id, number, description, upText, () =>
    readIfExists(join(dir, 'down.sql'), join(shown, id, 'down.sql')),
  );
}

/**
 * `folder` with one more migration, `id`, made from its texts in memory (not written): what the
 * folder will be once they are, for the runner to run before anything is written.
 *
 * @example const proving = withMigration(folder, id, { up, down });
 */
export function withMigration(
  folder: MigrationsFolder,
  id: string,
  files: { up: string; down: string },
): MigrationsFolder {
  const name = parseMigrationName(id);
  if (!name) throw new Error(`${id} is not a migration name`);
  const added = migrationOf(folder.shown, id, name.number, name.description, files.up, () => files.down);
  return { ...folder, migrations: [...folder.migrations, added], inMemory: true };
}

function migrationOf(
  shown: string,
  id: string,
  number: number,
  description: string,
  upText: string,
  downText: () => string | undefined,
): Migration {
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
    ...(upHeader.contracts ? { contracts: upHeader.contracts } : {}),
    up: { file: join(shown, id, 'up.sql'), text: upText, transactional: upHeader.transactional },
    get down() {
      if (down === null) {
        const text = downText();
        down =
          text === undefined
            ? undefined
            : { file: join(shown, id, 'down.sql'), text, transactional: header('down.sql', text).transactional };
      }
      return down;
    },
    checksum: checksumOf(upText),
  };
}

/** Every file the manifest covers, with its checksum (reads each down.sql). */
function manifestEntries(folder: MigrationsFolder): ManifestEntry[] {
  return folder.migrations.flatMap((m) => [
    { path: `${m.id}/up.sql`, checksum: m.checksum },
    ...(m.down ? [{ path: `${m.id}/down.sql`, checksum: checksumOf(m.down.text) }] : []),
  ]);
}

/**
 * The folder as it was when `last` was its newest migration (`null`: before the first), for a
 * picture or a diff of an earlier state. Cut from a folder already checked against its manifest,
 * so it is marked as one the manifest does not describe.
 *
 * @example const before002 = folderUpTo(folder, folder.migrations[0]!);
 */
export function folderUpTo(folder: MigrationsFolder, last: Migration | null): MigrationsFolder {
  const count = last ? folder.migrations.indexOf(last) + 1 : 0;
  return { ...folder, migrations: folder.migrations.slice(0, count), inMemory: true };
}

/**
 * Checks the folder against its checksum manifest; throws MANIFEST_MISMATCH naming each file
 * added, removed or edited without `smartem-db hash`. Runs before any migration is applied or
 * rolled back.
 */
export function verifyFolderManifest(folder: MigrationsFolder): void {
  if (folder.inMemory) return;
  verifyManifest(folder.folder, manifestEntries(folder), folder.shown);
}

/** Rewrites the folder's checksum manifest from the files as they are now (`smartem-db hash`). */
export function rehashMigrationsFolder(folder: string): string {
  writeManifest(folder, manifestEntries(readMigrationsFolder(folder, { verify: false })));
  return join(folder, MANIFEST_FILE);
}

/**
 * A file's text, or undefined when it does not exist (one open, no separate stat). A file that is
 * not valid UTF-8 is refused, naming the byte: decoding would silently replace it, and the
 * checksum of the replaced text would not see a later change of that byte.
 */
function readIfExists(path: string, shown = path): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Byte(bytes);
    const line = bytes.subarray(0, offset).reduce((n, b) => (b === 10 ? n + 1 : n), 1);
    throw new SmartemDbError(
      'MIGRATIONS_FOLDER_INVALID',
      `${shown} is not valid UTF-8: byte ${offset} (line ${line}) is 0x${bytes[offset]!.toString(16).padStart(2, '0')}. ` +
        'Save the file as UTF-8 (PostgreSQL reads migrations as UTF-8 text).',
    );
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    const second = bytes[i + 1] ?? 0;
    if (
      (b === 0xe0 && second < 0xa0) ||
      (b === 0xed && second > 0x9f) ||
      (b === 0xf0 && second < 0x90) ||
      (b === 0xf4 && second > 0x8f)
    )
      return i;
    i += length;
  }
  return bytes.length;
}
