import { stableEnv } from '../config/stable-env.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { installedPackageOf, writeFileAtomically } from '../files/files.js';
import { join } from 'node:path';
import type { MigrationsFolder } from '../migrations/migration-folder.js';

/** Where generate keeps what it learnt, under the project (git-ignored: `.smartem-db/`). */
export const CACHE_DIR = '.smartem-db';
const FILE = 'generate-no-changes.json';
/** Enough for the branches a developer moves between; the oldest are forgotten first. */
const KEEP = 32;

/** What a "no changes" answer was given for: the model's statements, or the files they came from. */
interface Remembered {
  /** Keys over the model's statements (generateKey). */
  noChanges: string[];
  /** Keys over the model's source files (sourcesKey), with the files, to hash them again next time. */
  sources: { files: string[]; key: string }[];
}

/**
 * The key of a generate's inputs, but the model: the folder (each migration's id and up.sql
 * checksum), the settings (hints, form, where scratch databases are, smartem-db's version and
 * code), and the environment the model is loaded in (a model may read it). Equal key and equal
 * model, equal answer.
 */
export function inputsKey(inputs: { version: string; folder: MigrationsFolder; settings: unknown }): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([inputs.version, inputs.settings]));
  for (const m of inputs.folder.migrations) hash.update(`\n${m.id} ${m.checksum}`);
  return hash.digest('hex');
}

/** The inputs and the model's statements. */
export function generateKey(inputs: string, modelStatements: readonly string[]): string {
  return createHash('sha256').update(inputs).update(JSON.stringify(modelStatements)).digest('hex');
}

/**
 * The inputs and the model's source files: each file's content (a package's files by its name
 * and version, from its package.json), and the environment the model module was loaded in.
 */
export function sourcesKey(inputs: string, files: readonly string[]): string {
  const hash = createHash('sha256').update(inputs);
  hash.update(JSON.stringify(stableEnv(process.env)));
  const packages = new Map<string, string>();
  for (const file of files) {
    const inPackage = installedPackageOf(file);
    if (inPackage) {
      if (!packages.has(inPackage)) packages.set(inPackage, contentOf(join(inPackage, 'package.json')));
      continue;
    }
    hash.update(`\n${file} ${contentOf(file)}`);
  }
  for (const [dir, manifest] of [...packages].sort()) hash.update(`\n${dir} ${manifest}`);
  return hash.digest('hex');
}

function contentOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return 'absent';
  }
}

/** Whether these inputs with this model gave "no changes" before. A cache that cannot be read is no cache. */
export function knownNoChanges(cwd: string, key: string): boolean {
  return read(cwd).noChanges.includes(key);
}

/** Whether these inputs with the model's source files as they are now gave "no changes" before. */
export function knownNoChangesFromSources(cwd: string, inputs: string): boolean {
  return read(cwd).sources.some((s) => s.key === sourcesKey(inputs, s.files));
}

export function rememberNoChanges(cwd: string, key: string, sources: { files: string[]; key: string } | null): void {
  const was = read(cwd);
  write(cwd, {
    noChanges: [key, ...was.noChanges.filter((k) => k !== key)].slice(0, KEEP),
    sources: sources ? [sources, ...was.sources.filter((s) => s.key !== sources.key)].slice(0, KEEP) : was.sources,
  });
}

function read(cwd: string): Remembered {
  try {
    const parsed = JSON.parse(readFileSync(join(cwd, CACHE_DIR, FILE), 'utf8')) as Partial<Remembered>;
    return {
      noChanges: Array.isArray(parsed.noChanges) ? parsed.noChanges.filter((k) => typeof k === 'string') : [],
      sources: Array.isArray(parsed.sources)
        ? parsed.sources.filter(
            (s) => typeof s?.key === 'string' && Array.isArray(s.files) && s.files.every((f) => typeof f === 'string'),
          )
        : [],
    };
  } catch {
    return { noChanges: [], sources: [] };
  }
}

function write(cwd: string, remembered: Remembered): void {
  try {
    writeFileAtomically(join(cwd, CACHE_DIR, FILE), JSON.stringify(remembered));
  } catch {
    // A cache is an optimisation: a folder we may not write to costs only speed.
  }
}
