import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

import { unchangedSinceLoaded } from './loaded-files.js';

type Esbuild = typeof import('esbuild');

/** What loading the bundled model gave: its exports, and the files it was made of when they can all be named. */
export interface BundledModel {
  module: Record<string, unknown>;
  /**
   * Every file the model's value depends on (see keyedFiles), or null when that cannot be known
   * by construction: the model may read files, the network or other packages at run time.
   */
  files: string[] | null;
}

/**
 * Imports a Drizzle model (TypeScript or JavaScript) the way drizzle-kit does: esbuild bundles
 * the model's own files, and packages linked from outside node_modules, into one module
 * (installed packages stay imports), which Node then requires (or imports, when CommonJS cannot
 * hold it). Bundled anew on every call, so a long-lived process never keeps an old version in
 * Node's module cache.
 *
 * The bundle is written beside the model's entry and removed once loaded, so packages resolve
 * from where the model is. `import.meta.url`, `dirname` and `filename` keep each file's own
 * values, and `require` works, so a model cannot tell it was bundled. Returns null when esbuild
 * is not installed or cannot bundle the model (the caller then uses tsx, which reports errors
 * better); an error the model itself throws while it runs is the caller's.
 */
export async function importBundledModel(path: string): Promise<BundledModel | null> {
  const esbuild = await loadEsbuild();
  if (!esbuild) return null;
  const build = async (format: 'cjs' | 'esm') => {
    try {
      return await esbuild.build({
        entryPoints: [path],
        bundle: true,
        format,
        platform: 'node',
        target: `node${process.versions.node}`,
        write: false,
        metafile: true,
        logLevel: 'silent',
        absWorkingDir: dirname(path),
        ...(format === 'esm'
          ? {
              banner: {
                js: "import { createRequire as __smartemCreateRequire } from 'node:module'; const require = __smartemCreateRequire(import.meta.url);",
              },
            }
          : {}),
        plugins: [installedPackagesExternal, ownImportMeta],
      });
    } catch {
      return null; // tsx loads it instead, and names what is wrong
    }
  };
  // CommonJS first, as drizzle-kit loads a model: the model then shares drizzle-orm's CommonJS
  // build with drizzle-kit's API, which requires it, instead of Node loading drizzle-orm twice.
  // A model CommonJS cannot hold (top-level await, an import.meta it does not know, a package
  // only ESM can load) is imported as ESM.
  const cjs = await build('cjs');
  if (cjs?.outputFiles[0] && !cjs.warnings.some((w) => w.id === 'empty-import-meta')) {
    const module = runBundle(path, cjs.outputFiles[0].contents, 'cjs');
    if (module) return { module, files: keyedFiles(cjs, dirname(path)) };
  }
  const esm = await build('esm');
  const out = esm?.outputFiles[0];
  if (!esm || !out) return null;
  const module = await runBundle(path, out.contents, 'mjs');
  // What ESM loads, Node does not list: such a model is always loaded.
  return module ? { module, files: null } : null;
}

/** Packages whose code, once installed, reads nothing at run time but what it is made of. */
const PURE_PACKAGES = new Set(['drizzle-orm']);
/** What a model file may import from Node and still be a pure function of its files and the environment. */
const PURE_BUILTINS = new Set(['path', 'url', 'util', 'crypto', 'assert', 'buffer', 'events', 'string_decoder']);

/**
 * The files a model loaded as CommonJS depends on, when all of them are known by construction:
 * every file esbuild bundled (its own and linked packages'), and every file Node loaded from the
 * pure packages it imports (drizzle-orm). Null when any bundled file imports another package or
 * a Node module that reaches outside (fs, child_process, the network, os, worker_threads), when
 * esbuild warned (a require it could not follow), or when a pure package's files changed on disk
 * since this process loaded them (they no longer name the code that ran).
 */
function keyedFiles(
  result: import('esbuild').BuildResult & { metafile: import('esbuild').Metafile },
  cwd: string,
): string[] | null {
  if (result.warnings.length > 0) return null;
  const files = new Set<string>();
  const packages = new Set<string>();
  for (const [input, info] of Object.entries(result.metafile.inputs)) {
    files.add(resolve(cwd, input));
    for (const imported of info.imports) {
      if (!imported.external) continue;
      const spec = imported.path.replace(/^node:/, '');
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (builtinModules.includes(name)) {
        if (!PURE_BUILTINS.has(name)) return null;
        continue;
      }
      if (!PURE_PACKAGES.has(name)) return null;
      const manifest = packageManifest(name, dirname(resolve(cwd, input)));
      if (!manifest) return null;
      packages.add(realpathSync(dirname(manifest)));
      files.add(manifest);
    }
  }
  const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) =>
    [...packages].some((dir) => file.startsWith(dir + sep)),
  );
  if (!unchangedSinceLoaded(loaded)) return null;
  for (const file of loaded) files.add(file);
  return [...files].sort();
}

/**
 * Packages installed in a node_modules folder stay imports (Node loads them, once); a package
 * linked from elsewhere (`npm link`, a `file:` dependency) is part of the project and bundled
 * with the model, so its files are the model's own.
 */
const installedPackagesExternal: import('esbuild').Plugin = {
  name: 'smartem-db-installed-packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || builtinModules.includes(args.path.split('/')[0]!)) {
        return { path: args.path, external: true };
      }
      let file: string;
      try {
        file = realpathSync(createRequire(join(args.resolveDir, 'noop.js')).resolve(args.path));
      } catch {
        return { path: args.path, external: true }; // Node resolves it when the bundle runs, or says why not
      }
      return file.includes(`${sep}node_modules${sep}`) ? { path: args.path, external: true } : { path: file };
    });
  },
};

/**
 * Writes the bundle beside the model's entry (so packages resolve from there), loads it, and
 * removes it: required (CommonJS; null if that fails, for the ESM bundle to be tried) or imported.
 */
function runBundle(path: string, contents: Uint8Array, ext: 'cjs'): Record<string, unknown> | null;
function runBundle(path: string, contents: Uint8Array, ext: 'mjs'): Promise<Record<string, unknown> | null>;
function runBundle(
  path: string,
  contents: Uint8Array,
  ext: 'cjs' | 'mjs',
): Record<string, unknown> | null | Promise<Record<string, unknown> | null> {
  const file = join(
    dirname(path),
    `.${basename(path, extname(path))}.smartem-db-${randomBytes(4).toString('hex')}.${ext}`,
  );
  try {
    writeFileSync(file, contents);
  } catch {
    return ext === 'cjs' ? null : Promise.resolve(null); // A folder we may not write to: tsx imports it where it is.
  }
  if (ext === 'mjs') {
    return import(pathToFileURL(file).href).finally(() => rmSync(file, { force: true })) as Promise<
      Record<string, unknown>
    >;
  }
  const require = createRequire(file);
  try {
    return require(file) as Record<string, unknown>;
  } catch {
    return null; // the caller loads the model through tsx instead, which names what is wrong
  } finally {
    delete require.cache[file];
    rmSync(file, { force: true });
  }
}

async function loadEsbuild(): Promise<Esbuild | null> {
  try {
    return (await import('esbuild')) as Esbuild;
  } catch {
    return null; // not installed: the model is loaded through tsx, and nothing is remembered
  }
}

/** Each bundled file keeps its own import.meta (a model may read files beside it). */
const ownImportMeta: import('esbuild').Plugin = {
  name: 'smartem-db-own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
      if (args.path.includes(`/node_modules/`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const ext = extname(args.path).replace(/^\.[cm]?/, '.');
      const loader = (ext === '.tsx' ? 'tsx' : ext === '.ts' ? 'ts' : ext === '.jsx' ? 'jsx' : 'js') as 'ts';
      if (!source.includes('import.meta')) return { contents: source, loader };
      const contents = source
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
        .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)))
        .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
      return { contents, loader };
    });
  },
};

/** The package.json of the package `spec` names, found as Node would from `from`. */
function packageManifest(spec: string, from: string): string | null {
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}
