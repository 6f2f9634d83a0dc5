import { runDiffCases } from './harness.js';

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
      upContains: [
        'DETACH PARTITION public.event_a CONCURRENTLY',
        "= 'CHECK (((at IS NOT NULL) AND (at >= 0) AND (at < 100)))'",
      ],
    },
    {
      name: 'with a default partition DETACH cannot be CONCURRENTLY: the lock is said',
      from: `create table event (at int not null, v int) partition by range (at); create table event_rest partition of event default;
             create table event_a partition of event for values from (0) to (100)`,
      to: `create table event (at int not null, v int) partition by range (at); create table event_rest partition of event default;
           create table event_a (at int not null, v int)`,
      onlineHazards: ['blocking-lock'],
    },
  ],
  { online: true },
);
