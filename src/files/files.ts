import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

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

/** The folder of the installed package a file belongs to, if it is under node_modules. */
export function installedPackageOf(file: string): string | null {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  return at < 0 ? null : packageDirOf(dirname(file), file.slice(0, at + marker.length - 1));
}

/**
 * A file's inode, size and modification time ('absent' when there is none): it changes whenever
 * the file is written anew (an atomic rename gives a new inode), without reading it.
 */
export function fileStamp(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return 'absent';
  }
}
