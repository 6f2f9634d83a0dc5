import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationsFolder } from '../migrations/migration-folder.js';

/** Where generate keeps what it learnt, under the project (add `.smartem-db/` to .gitignore). */
export const CACHE_DIR = '.smartem-db';
const FILE = 'generate-no-changes.json';
/** Enough for the branches a developer moves between; the oldest are forgotten first. */
const KEEP = 32;

/**
 * The key of a generate's inputs: everything its "no changes" answer depends on (the model's
 * statements, each migration's id and up.sql checksum, the hints, the form asked for, where the
 * scratch databases are, smartem-db's version). Equal key, equal answer.
 */
export function generateKey(inputs: {
  version: string;
  modelStatements: readonly string[];
  folder: MigrationsFolder;
  settings: unknown;
}): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([inputs.version, inputs.settings, inputs.modelStatements]));
  for (const m of inputs.folder.migrations) hash.update(`\n${m.id} ${m.checksum}`);
  return hash.digest('hex');
}

/**
 * Whether a generate with these inputs found no changes before. Only that answer is kept: a
 * migration to write is always worked out and proved anew. A cache that cannot be read is no cache.
 */
export function knownNoChanges(cwd: string, key: string): boolean {
  return readKeys(cwd).includes(key);
}

export function rememberNoChanges(cwd: string, key: string): void {
  const keys = [key, ...readKeys(cwd).filter((k) => k !== key)].slice(0, KEEP);
  const dir = join(cwd, CACHE_DIR);
  try {
    mkdirSync(dir, { recursive: true });
    // Written whole and renamed, so a reader never sees half a file.
    const temp = join(dir, `${FILE}.${process.pid}`);
    writeFileSync(temp, JSON.stringify({ noChanges: keys }));
    renameSync(temp, join(dir, FILE));
  } catch {
    // A cache is an optimisation: a folder we may not write to costs only speed.
  }
}

function readKeys(cwd: string): string[] {
  try {
    const parsed = JSON.parse(readFileSync(join(cwd, CACHE_DIR, FILE), 'utf8')) as { noChanges?: unknown };
    return Array.isArray(parsed.noChanges) ? parsed.noChanges.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}
