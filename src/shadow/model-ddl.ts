import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';

/**
 * The CREATE statements of a Drizzle model, as drizzle-kit renders them from an empty snapshot,
 * in an order PostgreSQL accepts: types, sequences, tables, indexes, then foreign keys.
 * drizzle-kit emits foreign keys before indexes, which fails when a foreign key targets a column
 * made unique only by a unique index (three SmartEM agent foreign keys do).
 *
 * @example const statements = await modelDdl(await import('../../schema/index.js'));
 */
export async function modelDdl(schema: Record<string, unknown>): Promise<string[]> {
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(schema));
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
