import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SmartemDbError } from '../errors.js';

export const MANIFEST_FILE = 'smartem.sum';

/** Each file of the migrations folder that the manifest covers, with its checksum. */
export interface ManifestEntry {
  path: string;
  checksum: string;
}

/**
 * The manifest text: a total hash line, then one `path sha256:...` line per file. Like Atlas's
 * atlas.sum, two branches that each add a migration both change the total line and append lines
 * at the same place, so git reports a conflict instead of merging them silently.
 */
function renderManifest(entries: readonly ManifestEntry[]): string {
  const lines = [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.path} ${e.checksum}`);
  const total = createHash('sha256').update(lines.join('\n')).digest('hex');
  return [`total sha256:${total}`, ...lines, ''].join('\n');
}

export function writeManifest(folder: string, entries: readonly ManifestEntry[]): string {
  const text = renderManifest(entries);
  writeFileSync(join(folder, MANIFEST_FILE), text);
  return text;
}

/**
 * Checks the folder's files against its manifest and throws MANIFEST_MISMATCH naming every file
 * that was added, removed or edited since the manifest was written.
 */
export function verifyManifest(folder: string, entries: readonly ManifestEntry[], shownFolder: string): void {
  const file = join(folder, MANIFEST_FILE);
  let recorded: string;
  try {
    recorded = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (entries.length === 0) return;
    throw new SmartemDbError(
      'MANIFEST_MISMATCH',
      `${join(shownFolder, MANIFEST_FILE)} is missing. It records a checksum of every migration file; ` +
        'create it with `smartem-db hash` and commit it.',
    );
  }
  const expected = renderManifest(entries);
  if (recorded.replace(/\r\n/g, '\n') === expected) return;

  const parse = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('total '))
        .map((l) => {
          const at = l.lastIndexOf(' ');
          return [l.slice(0, at), l.slice(at + 1)] as const;
        }),
    );
  const before = parse(recorded);
  const now = parse(expected);
  const problems: string[] = [];
  for (const [path, sum] of now) {
    if (!before.has(path)) problems.push(`  ${path}: not in the manifest (new file)`);
    else if (before.get(path) !== sum) problems.push(`  ${path}: edited (manifest ${before.get(path)}, file ${sum})`);
  }
  for (const path of before.keys()) if (!now.has(path)) problems.push(`  ${path}: in the manifest but missing`);
  if (problems.length === 0) problems.push('  the manifest itself was edited or has a merge conflict');
  throw new SmartemDbError(
    'MANIFEST_MISMATCH',
    `${join(shownFolder, MANIFEST_FILE)} does not match the migration files:\n${problems.join('\n')}\n` +
      'If the change is intended (a new or reviewed migration that is not applied anywhere yet), run `smartem-db hash`. ' +
      'If two branches each added a migration, renumber yours after the other and regenerate it.',
  );
}
