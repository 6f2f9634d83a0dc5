import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { SmartemDbError } from '../errors.js';

/**
 * Where the Drizzle model is: the given path, else `schema` from drizzle.config.ts in `cwd`,
 * else `./schema/index.ts`.
 */
export async function resolveSchemaPath(cwd: string, given: string | undefined): Promise<string> {
  if (given) return isAbsolute(given) ? given : resolve(cwd, given);
  const config = resolve(cwd, 'drizzle.config.ts');
  if (existsSync(config)) {
    const loaded = (await importTypeScript(config)) as { default?: { schema?: string | string[] } };
    const schema = loaded.default?.schema;
    const first = Array.isArray(schema) ? schema[0] : schema;
    if (Array.isArray(schema) && schema.length > 1) {
      throw new SmartemDbError('SCHEMA_LOAD_FAILED', `drizzle.config.ts lists ${schema.length} schema files; point --schema at one module that exports them all.`);
    }
    if (first) return resolve(cwd, first);
  }
  return resolve(cwd, 'schema/index.ts');
}

/**
 * Imports the Drizzle model module (TypeScript or JavaScript) and returns its exports: tables,
 * enums, sequences, schemas and views, as drizzle-kit expects them.
 */
export async function loadSchemaModule(path: string): Promise<Record<string, unknown>> {
  if (!existsSync(path)) {
    throw new SmartemDbError('SCHEMA_LOAD_FAILED', `The Drizzle model ${path} does not exist. Pass --schema, or set schema in drizzle.config.ts.`);
  }
  try {
    return await importTypeScript(path);
  } catch (error) {
    throw new SmartemDbError('SCHEMA_LOAD_FAILED', `Cannot load the Drizzle model ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Imports a .ts module. A runtime that already understands TypeScript (tsx, vitest, Node with
 * type stripping) imports it itself; plain Node refuses the extension, and tsx's loader steps in.
 */
async function importTypeScript(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}
