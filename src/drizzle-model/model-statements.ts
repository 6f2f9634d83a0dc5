import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { splitStatements } from '../sql/sql-split.js';
import { loadSchemaModule, resolveSchemaPath } from './load-schema.js';
import { modelDdl } from './model-ddl.js';

export const MODEL_EXTRAS_FILE = 'model-extras.sql';

/**
 * The statements that build the desired database: the Drizzle model's DDL, then
 * `model-extras.sql` from the schema module's folder, if there is one, for what Drizzle cannot
 * express (a sequence OWNED BY a column, a trigger, a policy). Everything that materializes the
 * model (generate, diff, check) goes through here, so the extras are part of the model.
 *
 * @example const statements = await modelStatements(process.cwd(), undefined);
 */
export async function modelStatements(cwd: string, schema: string | undefined): Promise<string[]> {
  return (await modelWithSources(cwd, schema)).statements;
}

/**
 * The model's statements and the files they came from: every file the model module imported
 * (when the loader can tell; null when the runtime imported it itself) and model-extras.sql.
 */
export async function modelWithSources(
  cwd: string,
  schema: string | undefined,
  /** Called once the module is imported, before its DDL is rendered: whether its files are known. */
  onImported?: (sourcesKnown: boolean) => void,
): Promise<{ statements: string[]; sources: string[] | null }> {
  const path = await resolveSchemaPath(cwd, schema);
  const imported = new Set<string>();
  const module = await loadSchemaModule(path, (file) => imported.add(file));
  onImported?.(imported.size > 0);
  const statements = await modelDdl(module);
  const extras = join(dirname(path), MODEL_EXTRAS_FILE);
  const sources = imported.size ? [path, ...imported, extras] : null;
  if (!existsSync(extras)) return { statements, sources };
  return { statements: [...statements, ...splitStatements(readFileSync(extras, 'utf8')).map((s) => s.sql)], sources };
}
