import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { generate, migrate, status } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

const model = (extra: string) =>
  `${HEADER}import { uuid } from 'drizzle-orm/pg-core';\n` +
  `export const grid = pgTable('grid', { id: integer('id').primaryKey(), notes: varchar('notes')${extra} });\n`;

async function failureOf(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A grid table of 100,000 rows at the baseline, a generated migration adding the column, and a
 * trigger that stands in for an application session holding a row the backfill needs, deep into
 * the table: the backfill waits there, with earlier batches committed, while the test holds 4242.
 */
async function tableAndBackfill(fillfactor = 100) {
  const p = tempProject(model(''));
  const options = {
    url: db.url,
    migrationsFolder: p.migrations,
    cwd: p.dir,
    get schema() {
      return p.schema;
    },
  };
  await generate({ ...options, name: 'baseline' });
  await migrate(options);
  await query(db.url, `alter table grid set (fillfactor = ${fillfactor})`);
  await query(db.url, "insert into grid select g, 'n' || g from generate_series(1, 100000) g");
  await query(
    db.url,
    `create function hold() returns trigger language plpgsql as $$
     begin
       if new.id = 90000 then perform pg_advisory_xact_lock_shared(4242); end if;
       return new;
     end $$;
     create trigger hold before update on grid for each row execute function hold();`,
  );
  p.setSchema(model(", token: uuid('token').notNull().defaultRandom()"));
  const generated = await generate({ ...options, name: 'token' });
  expect(generated.up).toContain('-- transaction: no');
  expect(generated.up).toContain('DO $smartem_backfill$');
  return options;
}

/** The backfill's session, once it waits for the held row. */
async function backfillWaiting(): Promise<{ pid: number }> {
  const [backfill] = await waitFor(async () => {
    const rows = await query<{ pid: number }>(
      db.url,
      "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory' and query like '%smartem_backfill%'",
    );
    return rows.length > 0 ? rows : undefined;
  }, 'the backfill to wait for the held row');
  return backfill!;
}

describe('an online backfill (a new NOT NULL column with a volatile default on a table with rows)', () => {
  it('commits batch by batch, reports progress, and after its session is killed --resume continues without redoing', async () => {
    const options = await tableAndBackfill();
    const holder = postgres(db.url, { max: 1, onnotice: () => {} });
    const heartbeats: string[] = [];
    try {
      await holder`select pg_advisory_lock(4242)`;
      const running = failureOf(
        migrate({ ...options, logger: { info: () => {}, warn: () => {}, heartbeat: (m) => heartbeats.push(m) } }),
      );
      const backfill = await backfillWaiting();
      await waitFor(async () => (heartbeats.some((h) => /rows/.test(h)) ? true : undefined), 'a progress heartbeat');
      const before = await query<{ id: number; token: string }>(
        db.url,
        'select id, token::text as token from grid where token is not null order by id limit 5',
      );
      expect(before.length).toBe(5);
      await query(db.url, 'select pg_terminate_backend($1)', [backfill.pid]);
      const failed = await running;
      expect(failed.message).toContain('statement 3 of');
      expect(failed.message).toContain('could not be told (the connection was lost)');
      expect(heartbeats.find((h) => /rows/.test(h))).toMatch(/statement 3: public\.grid\.token [\d,]+ rows/);

      const stopped = await status(options);
      expect(stopped.migrations.at(-1)).toMatchObject({ state: 'interrupted', statementsDone: 2 });
      expect(stopped.problems.join('\n')).toContain('--resume');
      await holder`select pg_advisory_unlock(4242)`;

      const resumed = await migrate({ ...options, resume: true });
      expect(resumed.ran).toHaveLength(1);
      expect(await query(db.url, 'select count(*)::int as n from grid where token is null')).toEqual([{ n: 0 }]);
      const after = await query<{ id: number; token: string }>(
        db.url,
        `select id, token::text as token from grid where id = any($1::int[]) order by id`,
        [before.map((r) => r.id)],
      );
      expect(after).toEqual(before);
      expect(
        await query(
          db.url,
          "select attnotnull from pg_attribute where attrelid = 'grid'::regclass and attname = 'token'",
        ),
      ).toEqual([{ attnotnull: true }]);
    } finally {
      await holder.end({ timeout: 1 });
    }
  });

  it('fills the rows other sessions moved behind it while it ran', async () => {
    // Pages with room: an update that changes no indexed column stays in its page (a HOT update).
    const options = await tableAndBackfill(30);
    const holder = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      await holder`select pg_advisory_lock(4242)`;
      const running = migrate(options);
      await backfillWaiting();
      // Rows made NULL again in pages the walk has done stand in for rows other sessions moved there.
      await query(db.url, 'update grid set token = null where id <= 2000');
      const behind = await query<{ n: number }>(
        db.url,
        `select count(*)::int as n from grid
          where id <= 2000 and token is null and (ctid::text::point)[0] < (select (ctid::text::point)[0] from grid where id = 90000)`,
      );
      // Nearly all stay in their pages; a few may move past the walk when a page has no room left
      // (the walk then fills those itself). The ones behind it are the sweep's to fill.
      expect(behind[0]!.n).toBeGreaterThan(1500);
      await holder`select pg_advisory_unlock(4242)`;
      await running;
    } finally {
      await holder.end({ timeout: 1 });
    }
    expect(await query(db.url, 'select count(*)::int as n from grid where token is null')).toEqual([{ n: 0 }]);
    expect(
      await query(
        db.url,
        "select attnotnull from pg_attribute where attrelid = 'grid'::regclass and attname = 'token'",
      ),
    ).toEqual([{ attnotnull: true }]);
  });
});
