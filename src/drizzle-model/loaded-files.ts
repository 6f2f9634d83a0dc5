import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Each module file's content hash when this process first saw it loaded. */
const asLoaded = new Map<string, string>();

/**
 * Whether each of `files` (modules Node has loaded, and keeps for the life of the process) is on
 * disk what it was when this process first saw it loaded: only then does its content now name the
 * code that ran. A file seen for the first time is taken as it is now.
 *
 * @example if (!unchangedSinceLoaded(files)) return null; // not remembered under today's content
 */
export function unchangedSinceLoaded(files: readonly string[]): boolean {
  let same = true;
  for (const file of files) {
    const now = contentHash(file);
    const then = asLoaded.get(file);
    if (then === undefined) asLoaded.set(file, now);
    else if (then !== now) same = false;
  }
  return same;
}

/** The sha256 of a file's bytes, or what kept it from being read (part of a key all the same). */
export function contentHash(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch (error) {
    return `unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}
