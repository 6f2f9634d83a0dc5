// Reading a database of 20, 200 and 1000 tables: smartem-db's introspection against drizzle-kit's,
// in process (pushSchema on a database that already matches: it introspects, then finds nothing
// to do) and as whole commands (smartem-db inspect against drizzle-kit pull).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushSchema } from 'drizzle-kit/api';
import { drizzle } from 'drizzle-orm/postgres-js';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgTable,
  timestamp,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { introspect } from '../src/catalog/introspect.js';
import { openServerSession } from '../src/db/postgres-session.js';
import { modelDdl } from '../src/drizzle-model/model-ddl.js';
import { compare, runCommand, withDatabase } from './support.js';

const ROOT = join(import.meta.dirname, '..');

/** A SmartEM-shaped model of n tables: varchar keys, a parent foreign key, two indexes, an enum. */
export function syntheticModel(n: number): Record<string, unknown> {
  const status = pgEnum('bench_status', ['NONE', 'STARTED', 'COMPLETED']);
  const model: Record<string, unknown> = { status };
  let previous: { uuid: AnyPgColumn } | undefined;
  for (let i = 0; i < n; i++) {
    const parent = previous;
    const table = pgTable(
      `bench_table_${i}`,
      {
        uuid: varchar('uuid').primaryKey(),
        parentUuid: parent ? varchar('parent_uuid').references(() => parent.uuid) : varchar('parent_uuid'),
        name: varchar('name').notNull().default(''),
        status: status('status').default('NONE'),
        value: doublePrecision('value'),
        count: integer('count').notNull().default(0),
        selected: boolean('selected'),
        createdAt: timestamp('created_at').notNull().defaultNow(),
      },
      (t) => [index(`ix_bench_${i}_parent`).on(t.parentUuid), index(`ix_bench_${i}_created`).on(t.createdAt)],
    );
    model[`t${i}`] = table;
    previous = table;
  }
  return model;
}

/** drizzle-kit draws a progress spinner on stdout while it introspects; keep the report readable. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

export async function benchIntrospection(): Promise<void> {
  // drizzle-kit reads a 1000-table database in minutes, so that size is timed once (no warm-up).
  for (const [tables, calls, warmup] of [
    [20, 15, 1],
    [200, 5, 1],
    [1000, 1, 0],
  ] as const) {
    const model = syntheticModel(tables);
    await withDatabase(async (url) => {
      const setup = postgres(url, { max: 1, onnotice: () => {} });
      for (const statement of await modelDdl(model)) await setup.unsafe(statement);
      await setup.end();

      const session = await openServerSession(url);
      const client = postgres(url, { max: 1, onnotice: () => {} });
      // pushSchema reads results node-postgres style (`.rows`); postgres.js returns the rows themselves.
      const orm = drizzle(client);
      const db = { execute: async (query: Parameters<typeof orm.execute>[0]) => ({ rows: await orm.execute(query) }) };
      try {
        await compare(
          `read ${tables} tables, in process vs drizzle-kit pushSchema`,
          () => introspect(session),
          () => quietly(() => pushSchema(model, db as never)),
          calls,
          warmup,
        );
      } finally {
        await session.close();
        await client.end();
      }

      const out = mkdtempSync(join(tmpdir(), 'drizzle-pull-'));
      try {
        await compare(
          `read ${tables} tables, whole command vs drizzle-kit pull`,
          async () =>
            runCommand(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'inspect', '--json', '--url', url]),
          async () =>
            runCommand(process.execPath, [
              join(ROOT, 'node_modules/drizzle-kit/bin.cjs'),
              'pull',
              '--dialect=postgresql',
              `--url=${url}`,
              `--out=${out}`,
            ]),
          calls,
          warmup,
        );
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
}
