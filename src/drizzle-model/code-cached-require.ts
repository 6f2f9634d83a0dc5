import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { writeFileAtomically } from '../files/files.js';

/**
 * `require(specifier)` (resolved from `from`) of one large CommonJS file, with V8's code cache
 * kept in the system's temporary folder: drizzle-kit's API is one 3 MB file that every generate,
 * diff and check compiles anew (0.04 s of its 0.15 s require; the cache also holds the functions
 * its first run compiled). Node 20 has no compile cache of its own (22 has
 * module.enableCompileCache). The cache is keyed by the file's path, size and modification time
 * and Node's version; V8 checks it against the source and its own flags and rejects one that
 * does not fit, which is then compiled and written anew. Any failure to read or write it only
 * costs the compile.
 *
 * @example const api = requireCodeCached('drizzle-kit/api', import.meta.url);
 */
export function requireCodeCached(specifier: string, from: string): unknown {
  const require = createRequire(from);
  const file = require.resolve(specifier);
  const cached = require.cache[file];
  if (cached) return cached.exports;
  let source: string;
  let cacheFile: string;
  try {
    const stat = statSync(file);
    source = readFileSync(file, 'utf8');
    const key = createHash('sha256')
      .update(`${file}\n${stat.size}\n${stat.mtimeMs}\n${process.version}\n${process.arch}`)
      .digest('hex')
      .slice(0, 32);
    cacheFile = join(codeCacheFolder(), `${key}.bin`);
  } catch {
    return require(specifier);
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = new Module(file);
  module.filename = file;
  // Registered before it runs, as require does: a cycle back to it, or a later require, finds it.
  require.cache[file] = module;
  try {
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    module.loaded = true;
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  if (!cachedData || script.cachedDataRejected) {
    try {
      writeFileAtomically(cacheFile, script.createCachedData());
      pruneCaches(dirname(cacheFile));
    } catch {
      // Compiled again next time.
    }
  }
  return module.exports;
}

/** Where this user's code caches are. */
export function codeCacheFolder(): string {
  return join(tmpdir(), `smartem-db-v8-${process.getuid?.() ?? 'user'}`);
}

/** Code caches kept per user: the newest few (one per drizzle-kit install and Node version in use). */
const KEEP_CACHES = 4;

/** Removes all but the KEEP_CACHES newest caches in `dir`: a removed one costs only a compile. */
function pruneCaches(dir: string): void {
  const caches = readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of caches.slice(KEEP_CACHES)) rmSync(old.path, { force: true });
}
