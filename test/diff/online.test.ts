import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../support/fresh-database.js';
import { checkRoundTrip, runDiffCases } from './harness.js';

// The online forms, each on a table that exists: every case goes up and down through real
// PostgreSQL, and its up script carries no lock or rewrite hazard for the lint to refuse.
const grid = (...extra: string[]) =>
  `create table grid (uuid varchar primary key, name varchar, n int${extra.map((e) => `, ${e}`).join('')})`;

runDiffCases(
  'online forms',
  [
    {
      name: 'a unique constraint: a concurrent unique index, then ADD CONSTRAINT ... USING INDEX',
      from: grid(),
      to: `${grid()}; alter table grid add constraint grid_name_key unique (name)`,
      onlineHazards: [],
      upContains: ['CREATE UNIQUE INDEX CONCURRENTLY "grid_name_key"', 'UNIQUE USING INDEX "grid_name_key"'],
    },
    {
      name: 'a primary key on a table without one',
      from: 'create table tile (id int not null, x int)',
      to: 'create table tile (id int not null, x int); alter table tile add constraint tile_pkey primary key (id)',
      onlineHazards: [],
      upContains: ['PRIMARY KEY USING INDEX "tile_pkey"'],
    },
    {
      name: 'SET NOT NULL: a NOT VALID check, validated, then SET NOT NULL without a scan, and the check dropped',
      from: grid(),
      to: grid().replace('name varchar', 'name varchar not null'),
      onlineHazards: [],
      upContains: ['CHECK ("name" IS NOT NULL) NOT VALID', 'VALIDATE CONSTRAINT', 'SET NOT NULL', 'DROP CONSTRAINT'],
    },
    {
      name: 'NOT NULL and a default together',
      from: grid(),
      to: grid().replace('n int', 'n int not null default 0'),
      onlineHazards: [],
      upContains: ['SET DEFAULT 0', 'SET NOT NULL'],
    },
    {
      name: 'a changed index: the new one built under a temporary name, the old dropped, the new renamed',
      from: `${grid()}; create index ix_grid_name on grid (name)`,
      to: `${grid()}; create index ix_grid_name on grid (name, n)`,
      onlineHazards: [],
      upContains: [
        'CREATE INDEX CONCURRENTLY "ix_grid_name_smartem_new"',
        'DROP INDEX CONCURRENTLY "public"."ix_grid_name"',
        'RENAME TO "ix_grid_name"',
      ],
    },
    {
      name: 'a new column with a volatile default: added bare, defaulted for new rows, backfilled in batches',
      from: grid(),
      to: grid('token uuid default gen_random_uuid()'),
      onlineHazards: [],
      upContains: ['ADD COLUMN "token" uuid;', 'SET DEFAULT gen_random_uuid()', 'DO $smartem_backfill$'],
    },
    {
      name: 'a NOT NULL column with a volatile default: then made NOT NULL without a scan',
      from: grid(),
      to: grid('token uuid not null default gen_random_uuid()'),
      onlineHazards: [],
      upContains: ['DO $smartem_backfill$', 'CHECK ("token" IS NOT NULL) NOT VALID'],
    },
    {
      name: 'a NOT NULL column with a constant default needs nothing online (PostgreSQL stores the default once)',
      from: grid(),
      to: grid("state varchar not null default 'new'"),
      onlineHazards: [],
    },
    {
      name: 'a foreign key, NOT VALID then validated',
      from: `${grid()}; create table square (uuid varchar primary key, grid_uuid varchar)`,
      to: `${grid()}; create table square (uuid varchar primary key, grid_uuid varchar references grid (uuid))`,
      onlineHazards: [],
    },
    {
      name: "a partition leaves its table: DETACH PARTITION CONCURRENTLY (the parent's queries are waited for, not blocked), and the CHECK of its bounds it leaves is dropped",
      from: `create table event (at int not null, v int) partition by range (at);
             create table event_a partition of event for values from (0) to (100)`,
      to: `create table event (at int not null, v int) partition by range (at); create table event_a (at int not null, v int)`,
      onlineHazards: [],
      upContains: ['DETACH PARTITION public.event_a CONCURRENTLY', 'AND conname <> ALL (ARRAY[]::name[])'],
    },
    {
      name: 'a list partition leaves online: the CHECK DETACH leaves (in a folded form of its own) is told from the checks it had by name',
      from: `create table job (state varchar(8) not null, v int check (v > 0)) partition by list (state);
             create table job_open partition of job (constraint job_open_v_small check (v < 1000)) for values in ('new', 'running')`,
      to: `create table job (state varchar(8) not null, v int check (v > 0)) partition by list (state);
           create table job_open (state varchar(8) not null, v int check (v > 0), constraint job_open_v_small check (v < 1000))`,
      onlineHazards: [],
      upContains: ["AND conname <> ALL (ARRAY['job_open_v_small', 'job_v_check']::name[])"],
    },
    {
      name: 'a partition whose own CHECK already says its bounds leaves online, and keeps that CHECK (DETACH adds none)',
      from: `create table event (at int not null, v int) partition by range (at);
             create table event_a partition of event (constraint event_a_range check (at >= 0 and at < 100)) for values from (0) to (100)`,
      to: `create table event (at int not null, v int) partition by range (at);
           create table event_a (at int not null, v int, constraint event_a_range check (at >= 0 and at < 100))`,
      onlineHazards: [],
    },
    {
      name: 'with a default partition DETACH cannot be CONCURRENTLY: the lock is said',
      from: `create table event (at int not null, v int) partition by range (at); create table event_rest partition of event default;
             create table event_a partition of event for values from (0) to (100)`,
      to: `create table event (at int not null, v int) partition by range (at); create table event_rest partition of event default;
           create table event_a (at int not null, v int)`,
      onlineHazards: ['blocking-lock'],
    },
    {
      name: "an index on a partitioned table: each partition's built CONCURRENTLY, then the parent's only attaches them (through a partition partitioned in turn)",
      from: `create table reading (at int not null, v int) partition by range (at); create table reading_a partition of reading for values from (0) to (100);
             create table reading_b partition of reading for values from (100) to (200) partition by hash (v);
             create table reading_b0 partition of reading_b for values with (modulus 2, remainder 0);
             create table reading_b1 partition of reading_b for values with (modulus 2, remainder 1)`,
      to: `create table reading (at int not null, v int) partition by range (at); create table reading_a partition of reading for values from (0) to (100);
           create table reading_b partition of reading for values from (100) to (200) partition by hash (v);
           create table reading_b0 partition of reading_b for values with (modulus 2, remainder 0);
           create table reading_b1 partition of reading_b for values with (modulus 2, remainder 1);
           create index reading_v on reading (v)`,
      onlineHazards: [],
      upContains: [
        'CREATE INDEX CONCURRENTLY "reading_a_reading_v" ON "public"."reading_a" USING btree (v)',
        'CREATE INDEX CONCURRENTLY "reading_b1_reading_v" ON "public"."reading_b1" USING btree (v)',
        'CREATE INDEX reading_v ON public.reading USING btree (v)',
      ],
    },
    {
      name: "a partition made with the index is left to the parent's statement (it is new and empty)",
      from: `create table reading (at int not null, v int) partition by range (at); create table reading_a partition of reading for values from (0) to (100)`,
      to: `create table reading (at int not null, v int) partition by range (at); create table reading_a partition of reading for values from (0) to (100);
           create table reading_b partition of reading for values from (100) to (200); create index reading_v on reading (v)`,
      onlineHazards: [],
      upContains: ['CREATE INDEX CONCURRENTLY "reading_a_reading_v" ON "public"."reading_a"'],
    },
    {
      name: "a changed index and a new unique key on a partitioned table: built on each partition, the parent's taking them over",
      from: `create table reading (at int not null, v int) partition by range (at); create table reading_a partition of reading for values from (0) to (100);
             create index reading_v on reading (v)`,
      to: `create table reading (at int not null, v int, constraint reading_at_v unique (at, v)) partition by range (at);
           create table reading_a partition of reading for values from (0) to (100); create index reading_v on reading (v, at)`,
      onlineHazards: [],
      upContains: [
        'CREATE INDEX CONCURRENTLY "reading_a_reading_v_smartem_new" ON "public"."reading_a" USING btree (v, at)',
        'DROP INDEX "public"."reading_v"',
        'RENAME TO "reading_v"',
        'CREATE UNIQUE INDEX CONCURRENTLY "reading_a_reading_at_v" ON "public"."reading_a" USING btree (at, v)',
        'ALTER TABLE "public"."reading_a" ADD CONSTRAINT "reading_a_reading_at_v" UNIQUE USING INDEX "reading_a_reading_at_v"',
        'ADD CONSTRAINT "reading_at_v" UNIQUE (at, v)',
      ],
    },
    {
      name: 'a primary key on a partitioned table, the same way',
      from: `create table reading (at int not null, id int not null) partition by range (at); create table reading_a partition of reading for values from (0) to (100)`,
      to: `create table reading (at int not null, id int not null, primary key (id, at)) partition by range (at);
           create table reading_a partition of reading for values from (0) to (100)`,
      onlineHazards: [],
      upContains: [
        'ADD CONSTRAINT "reading_a_reading_pkey" PRIMARY KEY USING INDEX',
        'ADD CONSTRAINT "reading_pkey" PRIMARY KEY (id, at)',
      ],
    },
    {
      name: "a foreign key from a partitioned table: NOT VALID and validated on each partition, then the parent's takes them over",
      from: `create table grid (id int primary key); create table reading (at int not null, grid_id int) partition by range (at);
             create table reading_a partition of reading for values from (0) to (100)`,
      to: `create table grid (id int primary key); create table reading (at int not null, grid_id int references grid on delete cascade) partition by range (at);
           create table reading_a partition of reading for values from (0) to (100)`,
      onlineHazards: [],
      upContains: [
        'ALTER TABLE "public"."reading_a" ADD CONSTRAINT "reading_grid_id_fkey" FOREIGN KEY (grid_id) REFERENCES grid(id) ON DELETE CASCADE NOT VALID',
        'ALTER TABLE "public"."reading_a" VALIDATE CONSTRAINT "reading_grid_id_fkey"',
      ],
    },
    {
      name: 'a partitioned table with no partition yet: its index and key are plain (nothing to build on)',
      from: `create table reading (at int not null, v int) partition by range (at)`,
      to: `create table reading (at int not null, v int, unique (v, at)) partition by range (at); create index reading_v on reading (v)`,
      onlineHazards: [],
    },
    {
      name: "a table joining while its new parent's index and key change: built on it by the parent's statements, named as PostgreSQL names them (the down drops them by name after its detach)",
      from: `create table event (at date not null, v integer, constraint event_v_at unique (v, at)) partition by range (at);
             create index event_v on event (v); create table event_2026 (at date not null, v integer)`,
      to: `create table event (at date not null, v integer) partition by range (at); create index event_v on event (v, at);
           create table event_2026 partition of event for values from ('2026-01-01') to ('2026-07-01')`,
      onlineHazards: ['blocking-lock'],
    },
    {
      name: 'a CHECK on a partitioned table is still added NOT VALID and validated',
      from: `create table reading (at int not null, v int) partition by range (at); create table reading_a partition of reading for values from (0) to (100)`,
      to: `create table reading (at int not null, v int check (v > 0)) partition by range (at); create table reading_a partition of reading for values from (0) to (100)`,
      onlineHazards: [],
      upContains: ['NOT VALID', 'VALIDATE CONSTRAINT'],
    },
    {
      name: 'a table joins a partitioned table: its bounds proved by a CHECK (NOT VALID, validated), so ATTACH skips its scan under the lock',
      from: `create table event (at int not null, v int) partition by range (at); create table event_a (at int not null, v int)`,
      to: `create table event (at int not null, v int) partition by range (at);
           create table event_a partition of event for values from (0) to (100)`,
      onlineHazards: [],
      upContains: [
        'ALTER TABLE public.event_a ADD CONSTRAINT "smartem_partition_bound" CHECK (((at IS NOT NULL) AND (at >= 0) AND (at < 100))) NOT VALID',
        'VALIDATE CONSTRAINT "smartem_partition_bound"',
        'ATTACH PARTITION public.event_a FOR VALUES FROM (0) TO (100)',
        'ALTER TABLE public.event_a DROP CONSTRAINT "smartem_partition_bound"',
      ],
    },
    {
      name: 'a list partition joins its table online, a varchar key compared through its cast',
      from: `create table job (state varchar(8) not null, v int) partition by list (state); create table job_open (state varchar(8) not null, v int)`,
      to: `create table job (state varchar(8) not null, v int) partition by list (state);
           create table job_open partition of job for values in ('new', 'running')`,
      onlineHazards: [],
      upContains: ["ATTACH PARTITION public.job_open FOR VALUES IN ('new', 'running')"],
    },
    {
      name: 'a hash partition has no online ATTACH (its constraint names the parent by oid): the lock is said',
      from: `create table bucket (id int not null) partition by hash (id); create table bucket_0 (id int not null)`,
      to: `create table bucket (id int not null) partition by hash (id);
           create table bucket_0 partition of bucket for values with (modulus 2, remainder 0)`,
      onlineHazards: ['blocking-lock'],
    },
    {
      name: 'nor does a range key of two columns: the lock is said',
      from: `create table span (a int not null, b int not null) partition by range (a, b); create table span_1 (a int not null, b int not null)`,
      to: `create table span (a int not null, b int not null) partition by range (a, b);
           create table span_1 partition of span for values from (1, 2) to (3, 4)`,
      onlineHazards: ['blocking-lock'],
    },
    {
      name: "with a default partition, ATTACH also checks the default's rows under its lock: said",
      from: `create table event (at int not null, v int) partition by range (at); create table event_rest partition of event default;
             create table event_a (at int not null, v int)`,
      to: `create table event (at int not null, v int) partition by range (at); create table event_rest partition of event default;
           create table event_a partition of event for values from (0) to (100)`,
      onlineHazards: ['blocking-lock'],
    },
  ],
  { online: true },
);

describe('online ATTACH PARTITION', () => {
  it('PostgreSQL proves the bounds from the validated CHECK and skips its scan under the lock; the rows join the parent', async () => {
    const from = `create table event (at int not null, v int) partition by range (at); create table event_a (at int not null, v int)`;
    const to = `create table event (at int not null, v int) partition by range (at);
                create table event_a partition of event for values from (0) to (100)`;
    const { up } = (await checkRoundTrip(from, to, { online: true }))!;
    const db = await createDatabase();
    const notices: string[] = [];
    const sql = postgres(db.url, { max: 1, onnotice: (n) => void notices.push(String(n.message)) });
    try {
      await sql.unsafe(from);
      await sql.unsafe('insert into event_a select g, g from generate_series(0, 99) g');
      await sql.unsafe('set client_min_messages = debug1');
      for (const statement of up.statements) await sql.unsafe(statement.sql);
      expect(notices).toContain('partition constraint for table "event_a" is implied by existing constraints');
      const [row] = await sql.unsafe(
        "select (select count(*) from event)::int as rows, (select count(*) from pg_constraint where conrelid = 'event_a'::regclass)::int as checks",
      );
      expect(row).toEqual({ rows: 100, checks: 0 });
    } finally {
      await sql.end();
      await db.drop();
    }
  });
});
