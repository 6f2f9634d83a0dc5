import { describe, expect, it } from 'vitest';
import { introspect } from '../../src/catalog/introspect.js';
import { openServerSession } from '../../src/db/postgres-session.js';
import { proveMigration } from '../../src/generate/generate.js';
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

describe('the proof of a generated migration', () => {
  it('says, object by object, how the result of up.sql differs from the model', async () => {
    const want = await modelOf('create table grid (uuid varchar primary key, name varchar not null)');
    const session = await openServerSession(db.url);
    try {
      const have = await introspect(session, exclude);
      const files = {
        up: `${renderHeader(id, null, true, 'up')}create table grid (uuid varchar primary key, name text);\n`,
        down: `${renderHeader(id, null, true, 'down')}drop table grid;\n`,
      };
      const proof = proveMigration({
        session,
        folder: readMigrationsFolder(tempDir()),
        journal: DEFAULT_JOURNAL,
        id,
        files,
        want,
        have,
        exclude,
      });
      await expect(proof).rejects.toMatchObject({
        code: 'PROOF_FAILED',
        message: expect.stringContaining('after up.sql the database differs from the Drizzle model'),
      });
      const message = await proof.catch((e: Error) => e.message);
      expect(message).toContain('column public.grid.name: type "text", expected "character varying"');
      expect(message).toContain('column public.grid.name: notNull false, expected true');
    } finally {
      await session.close();
    }
  });

  it('fails a migration that leaves an index invalid, though the catalog reads the same', async () => {
    const events = `create table event (at timestamptz not null, grid text) partition by range (at);
      create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01')`;
    const want = await modelOf(`${events}; create index event_grid on event (grid)`);
    const session = await openServerSession(db.url);
    try {
      await session.exec(events);
      const have = await introspect(session, exclude);
      const files = {
        // ON ONLY makes the index on the parent alone: INVALID until every partition has one.
        up: `${renderHeader(id, null, true, 'up')}create index event_grid on only event (grid);\n`,
        down: `${renderHeader(id, null, true, 'down')}drop index event_grid;\n`,
      };
      const message = await proveMigration({
        session,
        folder: readMigrationsFolder(tempDir()),
        journal: DEFAULT_JOURNAL,
        id,
        files,
        want,
        have,
        exclude,
      }).then(
        () => 'passed',
        (e: Error) => e.message,
      );
      expect(message).toContain('after up.sql the database differs from the Drizzle model');
      expect(message).toContain('index public.event_grid on event is INVALID');
    } finally {
      await session.close();
    }
  });

  it('says how the result of down.sql differs from the state before', async () => {
    const want = await modelOf('create table grid (uuid varchar primary key)');
    const session = await openServerSession(db.url);
    try {
      const have = await introspect(session, exclude);
      const files = {
        up: `${renderHeader(id, null, true, 'up')}create table grid (uuid varchar primary key);\n`,
        down: `${renderHeader(id, null, true, 'down')}alter table grid rename to grid_old;\n`,
      };
      const message = await proveMigration({
        session,
        folder: readMigrationsFolder(tempDir()),
        journal: DEFAULT_JOURNAL,
        id,
        files,
        want,
        have,
        exclude,
      }).then(
        () => 'passed',
        (e: Error) => e.message,
      );
      expect(message).toContain('after down.sql the database differs from before');
      expect(message).toContain('table public.grid_old: present, expected absent');
    } finally {
      await session.close();
    }
  });
});
