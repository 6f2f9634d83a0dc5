import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

type Esbuild = typeof import('esbuild');

/**
 * Imports a TypeScript model the way drizzle-kit does: esbuild bundles the model's own files into
 * one module (packages stay imports), which Node then requires (or imports, when CommonJS cannot
 * hold it), instead of a loader hook transforming file by file (tsx's hooks run on a thread of
 * their own: every import of the model and of drizzle-orm crosses it, 0.4 s for the SmartEM
 * model against 0.15 s here).
 *
 * The bundle is written beside the model's entry and removed once loaded, so packages resolve
 * from where the model is. `import.meta.url`, `dirname` and `filename` keep each file's own
 * values, and `require` works, so a model cannot tell it was bundled. Returns null when esbuild
 * is not installed or cannot bundle the model (the caller then uses tsx, which reports errors
 * better); an error the model itself throws while it runs is the caller's.
 */
export async function importBundledModel(
  path: string,
  onFile?: (file: string) => void,
): Promise<Record<string, unknown> | null> {
  const esbuild = await loadEsbuild();
  if (!esbuild) return null;
  const build = async (format: 'cjs' | 'esm') => {
    try {
      return await esbuild.build({
        entryPoints: [path],
        bundle: true,
        packages: 'external',
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
        plugins: [ownImportMeta],
      });
    } catch {
      return null;
    }
  };
  // CommonJS first, as drizzle-kit loads a model: the model then shares drizzle-orm's CommonJS
  // build with drizzle-kit's API, which requires it, instead of Node loading drizzle-orm twice
  // (0.06-0.1 s for the SmartEM model). A model CommonJS cannot hold (top-level await, an
  // import.meta it does not know, a package only ESM can load) is imported as ESM.
  const cjs = await build('cjs');
  if (cjs?.outputFiles[0] && !cjs.warnings.some((w) => w.id === 'empty-import-meta')) {
    const model = runBundle(path, cjs.outputFiles[0].contents, 'cjs');
    if (model) {
      if (onFile) for (const file of filesOf(cjs.metafile, dirname(path))) onFile(file);
      return model;
    }
  }
  const esm = await build('esm');
  const out = esm?.outputFiles[0];
  if (!esm || !out) return null;
  if (onFile) for (const file of filesOf(esm.metafile, dirname(path))) onFile(file);
  return (await runBundle(path, out.contents, 'mjs')) as Record<string, unknown> | null;
}

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
    return null;
  } finally {
    delete require.cache[file];
    rmSync(file, { force: true });
  }
}

async function loadEsbuild(): Promise<Esbuild | null> {
  try {
    return (await import('esbuild')) as Esbuild;
  } catch {
    return null;
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

/**
 * The files the model is made of, for the generate cache: its own files, and for each package it
 * imports that package's package.json (a package changes with its version).
 */
function filesOf(metafile: import('esbuild').Metafile, cwd: string): string[] {
  const files = new Set<string>();
  const builtins = new Set(builtinModules);
  for (const [input, info] of Object.entries(metafile.inputs)) {
    const file = resolve(cwd, input);
    files.add(file);
    for (const imported of info.imports) {
      if (!imported.external) continue;
      const spec = imported.path;
      if (spec.startsWith('node:') || builtins.has(spec.split('/')[0]!)) continue;
      const manifest = packageManifest(spec, dirname(file));
      if (manifest) files.add(manifest);
    }
  }
  return [...files];
}

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
