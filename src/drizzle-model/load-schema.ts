import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SmartemDbError } from '../errors.js';
import { importOptional } from '../optional-dependency.js';
import { bundledSchemaModule } from '../config/package-root.js';
import { importBundledModel, type BundledModel } from './bundle-model.js';

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
 * Imports the Drizzle model module (TypeScript or JavaScript) and returns its exports (tables,
 * enums, sequences, schemas and views, as drizzle-kit expects them) and, when they can all be
 * named, the files it was made of (BundledModel). Always bundled when esbuild is installed, so a
 * process that loads the model twice gets the model as its files are now; else imported (tsx for
 * TypeScript), and its files unknown.
 */
export async function loadSchemaModule(path: string): Promise<BundledModel> {
  if (!existsSync(path)) {
    throw new SmartemDbError(
      'SCHEMA_LOAD_FAILED',
      `The Drizzle model ${path} does not exist. Pass --schema (or a --config whose schema names the model).`,
    );
  }
  try {
    return (await importBundledModel(path)) ?? { module: await importModule(path), files: null };
  } catch (error) {
    throw new SmartemDbError(
      'SCHEMA_LOAD_FAILED',
      `Cannot load the Drizzle model ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Imports a module, TypeScript too. A runtime that already understands TypeScript (tsx, vitest,
 * Node with type stripping) imports it itself; plain Node refuses the extension, and the module is
 * bundled with esbuild (bundle-model.ts), or, without esbuild, imported through tsx's loader.
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    const bundled = await importBundledModel(path);
    if (bundled) return bundled.module;
    const { tsImport } = await importOptional(() => import('tsx/esm/api'), ['tsx'], `Loading ${path} (TypeScript)`);
    return (await tsImport(url, { parentURL: import.meta.url })) as Record<string, unknown>;
  }
}
