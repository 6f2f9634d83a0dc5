import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import { writeFileAtomically } from './files.js';

/** Where a project keeps what smartem-db worked out (git-ignored): the store and the embedded database. */
export const PROJECT_STATE_DIR = '.smartem-db';
const STORE_DIR = 'store';
/** The store stays below this many bytes; the entries used longest ago go first. */
const MAX_BYTES = 256 * 1024 * 1024;
/** And below this many entries. */
const MAX_ENTRIES = 200;

/** The key of a value worked out from `parts`: a hash of all of them, in order. */
export function storeKey(...parts: readonly unknown[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${typeof part === 'string' ? part : JSON.stringify(part)}\0`);
  return hash.digest('hex').slice(0, 40);
}

/**
 * A content-addressed store of values smartem-db worked out (catalogs, a model's statements,
 * an empty PGlite data directory), in the project's `.smartem-db/store/`: each a pure function
 * of its key, so an entry is never updated, only written, read and pruned. A store that cannot be
 * read or written is an empty one: it costs only time. `null` dir: no store (`--no-cache`).
 *
 * @example const store = projectStore(process.cwd()); store.putJson(key, catalog); store.getJson(key);
 */
export class Store {
  constructor(readonly dir: string | null) {}

  /** A JSON value, or null when there is none (or it cannot be read). */
  getJson<T>(kind: string, key: string): T | null {
    const bytes = this.get(kind, key, '.json.gz');
    if (!bytes) return null;
    try {
      return JSON.parse(gunzipSync(bytes).toString('utf8')) as T;
    } catch {
      return null; // a damaged entry is a missing one: the value is worked out again and written anew
    }
  }

  putJson(kind: string, key: string, value: unknown): void {
    this.put(kind, key, '.json.gz', gzipSync(JSON.stringify(value), { level: constants.Z_BEST_SPEED }));
  }

  /** Raw bytes (a data directory), or null. */
  getBytes(kind: string, key: string): Uint8Array | null {
    return this.get(kind, key, '.bin');
  }

  putBytes(kind: string, key: string, bytes: Uint8Array): void {
    this.put(kind, key, '.bin', bytes);
  }

  private get(kind: string, key: string, ext: string): Buffer | null {
    if (!this.dir) return null;
    const file = join(this.dir, `${kind}-${key}${ext}`);
    try {
      const bytes = readFileSync(file);
      // The time of last use, for pruning.
      const now = new Date();
      utimesSync(file, now, now);
      return bytes;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      // Unreadable: a miss, and the entry goes.
      rmSync(file, { force: true });
      return null;
    }
  }

  private put(kind: string, key: string, ext: string, bytes: Uint8Array): void {
    if (!this.dir) return;
    try {
      if (!existsSync(this.dir)) {
        mkdirSync(this.dir, { recursive: true });
        // Git-ignored by construction, as pytest's cache is: nothing here belongs in a commit.
        const gitignore = join(dirname(this.dir), '.gitignore');
        if (!existsSync(gitignore))
          writeFileSync(gitignore, '# Made by smartem-db: worked-out state, never committed.\n*\n');
      }
      writeFileAtomically(join(this.dir, `${kind}-${key}${ext}`), bytes);
      this.prune();
    } catch {
      // A folder we may not write to costs only time: the value is worked out again next run.
    }
  }

  /** Keeps the store within MAX_BYTES and MAX_ENTRIES, dropping the entries used longest ago. */
  private prune(): void {
    const entries = readdirSync(this.dir!)
      .map((name) => {
        const path = join(this.dir!, name);
        const stat = statSync(path, { throwIfNoEntry: false });
        return stat ? { path, size: stat.size, used: stat.mtimeMs } : null;
      })
      .filter((e): e is { path: string; size: number; used: number } => e !== null)
      .sort((a, b) => b.used - a.used);
    let bytes = 0;
    for (const [i, entry] of entries.entries()) {
      bytes += entry.size;
      if (i >= MAX_ENTRIES || bytes > MAX_BYTES) rmSync(entry.path, { force: true });
    }
  }
}

/** The store of the project in `cwd`; `enabled` false gives a store that holds nothing. */
export function projectStore(cwd: string, enabled = true): Store {
  return new Store(enabled ? join(cwd, PROJECT_STATE_DIR, STORE_DIR) : null);
}
