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
  const path = await resolveSchemaPath(cwd, schema);
  const statements = await modelDdl(await loadSchemaModule(path));
  const extras = join(dirname(path), MODEL_EXTRAS_FILE);
  if (!existsSync(extras)) return statements;
  return [...statements, ...splitStatements(readFileSync(extras, 'utf8')).map((s) => s.sql)];
}
