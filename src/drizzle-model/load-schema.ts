import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SmartemDbError } from '../errors.js';
import { importOptional } from '../optional-dependency.js';
import { bundledSchemaModule } from '../config/package-root.js';
import { importBundledModel } from './bundle-model.js';
import { FreshProcessNeeded, isLongLived, modelLoadedFresh } from '../config/process-lifetime.js';

/**
 * Where the Drizzle model is: the given path (--schema, or `schema` of a --config file), else the
 * SmartEM model bundled with the package. A drizzle.config.ts is read only when named (--config):
 * an application's own config describes its own tables, not SmartEM's.
 */
export async function resolveSchemaPath(cwd: string, given: string | undefined): Promise<string> {
  if (given) return isAbsolute(given) ? given : resolve(cwd, given);
  return bundledSchemaModule();
}

/**
 * Imports the Drizzle model module (TypeScript or JavaScript) and returns its exports: tables,
 * enums, sequences, schemas and views, as drizzle-kit expects them.
 */
export async function loadSchemaModule(
  path: string,
  onFile?: (file: string) => void,
): Promise<Record<string, unknown>> {
  if (!existsSync(path)) {
    throw new SmartemDbError(
      'SCHEMA_LOAD_FAILED',
      `The Drizzle model ${path} does not exist. Pass --schema (or a --config whose schema names the model).`,
    );
  }
  try {
    return await importModule(path, onFile);
  } catch (error) {
    if (error instanceof FreshProcessNeeded) throw error;
    throw new SmartemDbError(
      'SCHEMA_LOAD_FAILED',
      `Cannot load the Drizzle model ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Imports a module, TypeScript too. A runtime that already understands TypeScript (tsx, vitest,
 * Node with type stripping) imports it itself; plain Node refuses the extension, and the model is
 * bundled with esbuild (bundle-model.ts), or, without esbuild, imported through tsx's loader.
 */
export async function importModule(path: string, onFile?: (file: string) => void): Promise<Record<string, unknown>> {
  if (isLongLived()) return importFresh(path, onFile);
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    const bundled = await importBundledModel(path, onFile);
    if (bundled) return bundled;
    const { tsImport } = await importOptional(() => import('tsx/esm/api'), ['tsx'], `Loading ${path} (TypeScript)`);
    // tsx names every file the model imports: what a cache of its answers must watch.
    const onImport = onFile
      ? (file: string) => onFile(file.startsWith('file:') ? fileURLToPath(file) : file)
      : undefined;
    return (await tsImport(url, { parentURL: import.meta.url, ...(onImport ? { onImport } : {}) })) as Record<
      string,
      unknown
    >;
  }
}

/**
 * In a long-lived process, the model is always bundled: Node's module cache would keep the first
 * version of a JavaScript model (and of TypeScript where Node strips types) for good. What esbuild
 * cannot bundle goes back to a fresh process, whose tsx names the error.
 */
async function importFresh(path: string, onFile?: (file: string) => void): Promise<Record<string, unknown>> {
  const bundled = await importBundledModel(path, onFile);
  if (!bundled) throw new FreshProcessNeeded(`${path} could not be bundled`);
  modelLoadedFresh();
  return bundled;
}
