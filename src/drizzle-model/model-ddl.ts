import { createRequire } from 'node:module';
import { SmartemDbError } from '../errors.js';
import { importOptional } from '../optional-dependency.js';

/** The module of drizzle-kit that renders a model as SQL. */
export const DRIZZLE_KIT_API = 'drizzle-kit/api';

/**
 * The CREATE statements of a Drizzle model, as drizzle-kit renders them from an empty snapshot,
 * in an order PostgreSQL accepts: types, sequences, tables, indexes, then foreign keys.
 * drizzle-kit emits foreign keys before indexes, which fails when a foreign key targets a column
 * made unique only by a unique index (three SmartEM agent foreign keys do).
 *
 * @example const statements = await modelDdl(await import('../../schema/index.js'));
 */
export async function modelDdl(schema: Record<string, unknown>): Promise<string[]> {
  // Loaded here, not at the top: only a model that is loaded needs it. Required, not imported:
  // the model's bundle requires drizzle-orm, and drizzle-kit's API then shares that copy.
  const { generateDrizzleJson, generateMigration } = await importOptional(
    async () => createRequire(import.meta.url)(DRIZZLE_KIT_API) as typeof import('drizzle-kit/api'),
    ['drizzle-kit'],
    "Rendering the Drizzle model's DDL",
  );
  const snapshot = generateDrizzleJson(schema);
  refuseUnrenderableNames(snapshot as DrizzleSnapshot);
  const statements = await generateMigration(generateDrizzleJson({}), snapshot);
  return statements
    .map((sql, position) => ({ sql: sql.trim(), position, rank: rankOf(sql) }))
    .sort((a, b) => a.rank - b.rank || a.position - b.position)
    .map((s) => s.sql);
}

function rankOf(sql: string): number {
  const s = sql.trimStart().toUpperCase();
  if (s.startsWith('CREATE SCHEMA')) return 0;
  if (s.startsWith('CREATE TYPE')) return 1;
  if (s.startsWith('CREATE SEQUENCE')) return 2;
  if (s.startsWith('CREATE TABLE')) return 3;
  if (/^CREATE (UNIQUE )?INDEX/.test(s)) return 4;
  if (s.includes('FOREIGN KEY')) return 6;
  return 5;
}

/**
 * drizzle-kit writes identifiers into its DDL without escaping a double quote, and packs
 * constraint and index definitions into `;`-separated strings: a name holding either comes out
 * as broken SQL or a crash inside drizzle-kit. PostgreSQL allows both, so the model can say them;
 * refuse them here, naming the object, rather than let drizzle-kit fail obscurely.
 */
function refuseUnrenderableNames(snapshot: DrizzleSnapshot): void {
  const check = (kind: string, name: string | undefined, owner?: string) => {
    if (name === undefined) return;
    const bad = name.includes('"') ? 'a double quote (")' : name.includes(';') ? 'a semicolon (;)' : undefined;
    if (!bad) return;
    throw new SmartemDbError(
      'SCHEMA_LOAD_FAILED',
      `The Drizzle model's ${kind} "${name}"${owner ? ` (of table "${owner}")` : ''} has ${bad} in its name. PostgreSQL allows it, ` +
        'but drizzle-kit, which renders the model as SQL, writes such names unescaped or splits them apart, so the SQL ' +
        'would be wrong or fail. Rename it, or create the object in model-extras.sql, where SQL is written by hand.',
    );
  };
  for (const name of Object.values(snapshot.schemas ?? {})) check('schema', name);
  for (const e of Object.values(snapshot.enums ?? {})) check('enum', e.name);
  for (const q of Object.values(snapshot.sequences ?? {})) check('sequence', q.name);
  for (const v of Object.values(snapshot.views ?? {})) check('view', v.name);
  for (const t of Object.values(snapshot.tables ?? {})) {
    check('table', t.name);
    for (const c of Object.values(t.columns ?? {})) check('column', c.name, t.name);
    for (const i of Object.values(t.indexes ?? {})) check('index', i.name, t.name);
    for (const f of Object.values(t.foreignKeys ?? {})) check('foreign key', f.name, t.name);
    for (const k of Object.values(t.compositePrimaryKeys ?? {})) check('primary key', k.name, t.name);
    for (const u of Object.values(t.uniqueConstraints ?? {})) check('unique constraint', u.name, t.name);
    for (const c of Object.values(t.checkConstraints ?? {})) check('check constraint', c.name, t.name);
  }
}

type Named = { name?: string };
/** The parts of drizzle-kit's snapshot that name things. */
type DrizzleSnapshot = {
  schemas?: Record<string, string>;
  enums?: Record<string, Named>;
  sequences?: Record<string, Named>;
  views?: Record<string, Named>;
  tables?: Record<
    string,
    Named & {
      columns?: Record<string, Named>;
      indexes?: Record<string, Named>;
      foreignKeys?: Record<string, Named>;
      compositePrimaryKeys?: Record<string, Named>;
      uniqueConstraints?: Record<string, Named>;
      checkConstraints?: Record<string, Named>;
    }
  >;
};
