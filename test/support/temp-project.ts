import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './migrations-dir.js';
import { ROOT } from './spawn.js';

/**
 * A throwaway project with a Drizzle model file and an empty drizzle/ folder; node_modules is
 * linked to this repository's so the model can import drizzle-orm.
 */
export function tempProject(schemaSource: string): {
  dir: string;
  readonly schema: string;
  migrations: string;
  setSchema: (source: string) => void;
  /** The API's options for this project and a database: the model as it is now, no outside environment. */
  optionsFor: (url: string) => {
    migrationsFolder: string;
    schema: string;
    cwd: string;
    url: string;
    env: NodeJS.ProcessEnv;
  };
} {
  const dir = tempDir();
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'drizzle'));
  let version = 0;
  // A new file for each version: a process imports a module once and keeps it (by URL).
  const setSchema = (source: string) => {
    version++;
    writeFileSync(join(dir, `schema-v${version}.ts`), source);
  };
  setSchema(schemaSource);
  return {
    dir,
    get schema() {
      return join(dir, `schema-v${version}.ts`);
    },
    migrations: join(dir, 'drizzle'),
    setSchema,
    optionsFor: (url) => ({
      migrationsFolder: join(dir, 'drizzle'),
      schema: join(dir, `schema-v${version}.ts`),
      cwd: dir,
      url,
      env: {},
    }),
  };
}

export const HEADER =
  "import { pgTable, varchar, integer, pgEnum, timestamp, doublePrecision, index } from 'drizzle-orm/pg-core';\n";
