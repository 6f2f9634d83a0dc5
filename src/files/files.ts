import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes a file whole or not at all: to a file of its own beside it, then renamed over it, so a
 * reader (another process) never sees half of it.
 */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/** The nearest folder at or above `dir` that holds a package.json, stopping at `above` (exclusive); null if none. */
export function packageDirOf(dir: string, above = ''): string | null {
  for (let at = dir; at.length > above.length; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) break;
  }
  return null;
}
