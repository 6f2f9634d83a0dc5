import { join } from 'node:path';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import * as schema from '../../schema/index.js';
import * as zodSchemas from '../../schema/zod.js';
import { migrate } from '../../src/api.js';
import { useFreshDatabase } from '../support/fresh-database.js';
import { ROOT } from '../support/spawn.js';

const db = useFreshDatabase();

describe('smartem-db/zod', () => {
  it('has a select, an insert and an update schema for every table of the model, and nothing else', () => {
    const tables = Object.values(schema)
      .filter((value) => is(value, PgTable))
      .map((table) => getTableName(table as PgTable))
      .sort();
    expect(tables.length).toBeGreaterThan(20);
    const expected = tables.flatMap((t) => [`${t}Insert`, `${t}Select`, `${t}Update`]).sort();
    expect(Object.keys(zodSchemas).sort()).toEqual(expected);
  });

  it('rejects API input the database would refuse, naming the field: a status outside the enum, a missing NOT NULL column', () => {
    const badStatus = zodSchemas.gridInsert.safeParse({ uuid: 'g1', name: 'Grid 1', status: 'MELTED' });
    expect(badStatus.success).toBe(false);
    expect(badStatus.error!.issues.map((i) => i.path.join('.'))).toEqual(['status']);
    const noName = zodSchemas.gridInsert.safeParse({ uuid: 'g1' });
    expect(noName.error!.issues.map((i) => i.path.join('.'))).toEqual(['name']);
    // An update may leave everything out.
    expect(zodSchemas.gridUpdate.safeParse({ status: 'SCAN_STARTED' }).success).toBe(true);
  });

  it('passes what it accepted into the database, and what the database gives back passes the select schema', async () => {
    await migrate({ url: db.url, migrationsFolder: join(ROOT, 'drizzle') });
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const orm = drizzle(sql, { schema });
      const acquisition = zodSchemas.acquisitionInsert.parse({ uuid: 'a1', name: 'Krios run', status: 'STARTED' });
      const grid = zodSchemas.gridInsert.parse({ uuid: 'g1', acquisitionUuid: 'a1', name: 'Grid 1' });
      await orm.insert(schema.acquisition).values(acquisition);
      await orm.insert(schema.grid).values(grid);
      const rows = await orm.query.grid.findMany({ with: { acquisition: true } });
      expect(rows).toHaveLength(1);
      const read = zodSchemas.gridSelect.parse(rows[0]);
      expect(read).toMatchObject({ uuid: 'g1', status: 'NONE', name: 'Grid 1' });
      expect(zodSchemas.acquisitionSelect.parse(rows[0]!.acquisition)).toMatchObject({ status: 'STARTED' });
    } finally {
      await sql.end();
    }
  });
});
