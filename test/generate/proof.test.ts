import { describe, expect, it } from 'vitest';
import { introspect } from '../../src/catalog/introspect.js';
import { openServerSession } from '../../src/db/postgres-session.js';
import { proveMigration } from '../../src/generate/prove-migration.js';
import { DEFAULT_JOURNAL } from '../../src/migrations/journal.js';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { renderHeader } from '../../src/migrations/migration-header.js';
import { createDatabase, useFreshDatabase } from '../support/fresh-database.js';
import { tempDir } from '../support/migrations-dir.js';

const db = useFreshDatabase();
const exclude = { excludeSchemas: ['smartem_db'] };
const id = '2026_01_01_1200-001_wrong';

/** The model the migration should produce, read from a database built to it. */
async function modelOf(ddl: string) {
  const target = await createDatabase();
  const session = await openServerSession(target.url);
  try {
    await session.exec(ddl);
    return await introspect(session, exclude);
  } finally {
    await session.close();
    await target.drop();
  }
}

/**
 * The proof of a hand-written up and down, on the test's database after `before` ran there;
 * `want` is the model's DDL. Returns the proof's message, or 'passed'.
 */
async function proofOf(before: string, wantDdl: string, up: string, down: string): Promise<string> {
  const want = await modelOf(wantDdl);
  const session = await openServerSession(db.url);
  try {
    if (before) await session.exec(before);
    const have = await introspect(session, exclude);
    return await proveMigration({
      session,
      folder: readMigrationsFolder(tempDir()),
      journal: DEFAULT_JOURNAL,
      migrations: [
        {
          id,
          files: {
            up: `${renderHeader(id, null, true, 'up')}${up}\n`,
            down: `${renderHeader(id, null, true, 'down')}${down}\n`,
          },
        },
      ],
      want,
      have,
      exclude,
    }).then(
      () => 'passed',
      (e: Error) => `${(e as { code?: string }).code}: ${e.message}`,
    );
  } finally {
    await session.close();
  }
}

const events = `create table event (at timestamptz not null, grid text) partition by range (at);
  create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01')`;

describe('the proof of a generated migration', () => {
  it.each([
    {
      name: 'says, object by object, how the result of up.sql differs from the model',
      before: '',
      want: 'create table grid (uuid varchar primary key, name varchar not null)',
      up: 'create table grid (uuid varchar primary key, name text);',
      down: 'drop table grid;',
      says: [
        'PROOF_FAILED: ',
        'after up.sql the database differs from the Drizzle model',
        'column public.grid.name: type "text", expected "character varying"',
        'column public.grid.name: notNull false, expected true',
      ],
    },
    {
      // ON ONLY makes the index on the parent alone: INVALID until every partition has one.
      name: 'fails a migration that leaves an index invalid, though the catalog reads the same',
      before: events,
      want: `${events}; create index event_grid on event (grid)`,
      up: 'create index event_grid on only event (grid);',
      down: 'drop index event_grid;',
      says: ['after up.sql the database differs from the Drizzle model', 'index public.event_grid on event is INVALID'],
    },
    {
      name: 'says how the result of down.sql differs from the state before',
      before: '',
      want: 'create table grid (uuid varchar primary key)',
      up: 'create table grid (uuid varchar primary key);',
      down: 'alter table grid rename to grid_old;',
      says: ['after down.sql the database differs from before', 'table public.grid_old: present, expected absent'],
    },
  ])('$name', async (c) => {
    const message = await proofOf(c.before, c.want, c.up, c.down);
    for (const text of c.says) expect(message).toContain(text);
  });
});
