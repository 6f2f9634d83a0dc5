import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { splitStatements } from '../sql/sql-split.js';
import { loadSchemaModule, resolveSchemaPath } from './load-schema.js';
import { DRIZZLE_KIT_API, modelDdl } from './model-ddl.js';
import { unchangedSinceLoaded } from './loaded-files.js';

const MODEL_EXTRAS_FILE = 'model-extras.sql';

/** The model's statements, and every file they depend on when that is known (null: it is not). */
export interface LoadedModel {
  statements: string[];
  files: string[] | null;
}

/**
 * The statements that build the desired database: the Drizzle model's DDL, then
 * `model-extras.sql` from the schema module's folder, if there is one, for what Drizzle cannot
 * express (a sequence OWNED BY a column, a trigger, a policy). Everything that materializes the
 * model (generate, diff, check) goes through here, so the extras are part of the model.
 *
 * @example const statements = await modelStatements(process.cwd(), undefined);
 */
export async function modelStatements(cwd: string, schema: string | undefined): Promise<string[]> {
  return (await loadModel(cwd, schema)).statements;
}

/**
 * The model's statements and, when the loader could name them all, the files they came from:
 * the model's (bundle-model.ts), model-extras.sql (present or not), and the code that turns a
 * model into SQL (drizzle-kit's API, esbuild's version).
 */
export async function loadModel(cwd: string, schema: string | undefined): Promise<LoadedModel> {
  const path = await resolveSchemaPath(cwd, schema);
  const require = createRequire(import.meta.url);
  const { module, files } = await loadSchemaModule(path);
  const ddl = await modelDdl(module);
  const extras = join(dirname(path), MODEL_EXTRAS_FILE);
  const statements = existsSync(extras)
    ? [...ddl, ...splitStatements(readFileSync(extras, 'utf8')).map((s) => s.sql)]
    : ddl;
  const kit = kitFile(require);
  // drizzle-kit's API loaded earlier in this process must still be what is on disk.
  if (!files || !kit || !unchangedSinceLoaded([kit])) return { statements, files: null };
  const manifests = ['drizzle-kit', 'esbuild'].map((name) => manifestOf(require, name));
  if (manifests.includes(null)) return { statements, files: null };
  return { statements, files: [...new Set([...files, extras, kit, ...(manifests as string[])])].sort() };
}

/** The package.json of an installed package, also one whose exports do not list it. */
function manifestOf(require: NodeRequire, name: string): string | null {
  for (const dir of require.resolve.paths(name) ?? []) {
    const manifest = join(dir, name, 'package.json');
    if (existsSync(manifest)) return manifest;
  }
  return null;
}

function kitFile(require: NodeRequire): string | null {
  try {
    return require.resolve(DRIZZLE_KIT_API);
  } catch {
    return null; // not installed: modelDdl says so
  }
}
