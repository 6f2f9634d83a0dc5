import { describe, expect, it } from 'vitest';
import { introspect } from '../../src/catalog/introspect.js';
import { openServerSession } from '../../src/db/postgres-session.js';
import { diffCatalogs } from '../../src/diff/diff-catalogs.js';
import { invertAll } from '../../src/render/op-kinds.js';
import { renderScript } from '../../src/render/render-script.js';
import { applyScript } from '../support/apply-script.js';
import { createDatabase } from '../support/fresh-database.js';
import { runDiffCases, type DiffCase } from './harness.js';

// Plain ↔ partitioned: PostgreSQL cannot change it in place, so the table is made again with its
// rows, and what hangs on it (views, a materialized view, policies, triggers, grants, foreign keys
// to it, comments, the sequence of a serial column) is carried through. Each case runs both ways.
const plain = `create table reading (id serial, at timestamptz not null, grid text, primary key (id, at));
  create index reading_grid on reading (grid);
  comment on table reading is 'one reading'; comment on column reading.grid is 'the grid';
  insert into reading (at, grid) select '2026-01-01'::timestamptz + g * interval '1 day', 'g' || (g % 3) from generate_series(1, 300) g`;
const parted = `create table reading (id serial, at timestamptz not null, grid text, primary key (id, at)) partition by range (at);
  create table reading_2026 partition of reading for values from ('2026-01-01') to ('2027-01-01');
  create table reading_rest partition of reading default;
  create index reading_grid on reading (grid);
  comment on table reading is 'one reading'; comment on column reading.grid is 'the grid'`;
const around = `;
  create view recent as select id, grid from reading where at > '2026-06-01';
  create materialized view per_grid as select grid, count(*) from reading group by grid;
  alter table reading enable row level security;
  create policy own_grid on reading using (grid = current_user);
  create function touched() returns trigger language plpgsql as $$ begin return new; end $$;
  create trigger touch before update on reading for each row execute function touched();
  create table note (id int, at timestamptz, foreign key (id, at) references reading (id, at))`;

const cases: DiffCase[] = [
  {
    name: 'a plain table made partitioned by range, its rows kept',
    from: plain,
    to: parted,
    hazards: ['blocking-lock', 'data-loss'],
    upContains: [
      'INSERT INTO "public"."reading" ("id", "at", "grid") SELECT "id", "at", "grid" FROM "public"."reading_smartem_old"',
    ],
  },
  {
    name: 'with a view, a materialized view, a policy, a trigger and a foreign key to it',
    from: plain + around,
    to: parted + around,
    hazards: ['blocking-lock', 'data-loss'],
  },
  {
    name: 'refused by name: a change of partition key',
    from: 'create table reading (at timestamptz not null, grid text) partition by range (at)',
    to: 'create table reading (at timestamptz not null, grid text) partition by list (grid)',
    expectPlanError:
      /partitioned by RANGE \(at\) and the model has it partitioned by LIST \(grid\).*the partition key changes/s,
  },
  {
    name: 'refused by name: an identity column',
    from: 'create table reading (id int generated always as identity, at timestamptz not null)',
    to: 'create table reading (id int generated always as identity, at timestamptz not null) partition by range (at)',
    expectPlanError: /not partitioned and the model has it partitioned by RANGE \(at\).*it has an identity column/s,
  },
];

runDiffCases('plain and partitioned tables', cases);

// Online where nothing else names the table: made beside it, writes mirrored, rows copied in
// batches, swapped in under a moment's lock. Otherwise the plain form above (the lint's lock).
runDiffCases(
  'plain and partitioned tables, online',
  [
    {
      name: 'a plain table made partitioned online',
      from: plain,
      to: parted,
      onlineHazards: [],
      upContains: ['FOR SHARE ON CONFLICT ("id", "at") DO NOTHING', 'DROP TABLE "public"."reading";'],
    },
    {
      name: 'without a default partition (a write might have no partition to go to): the plain form',
      from: plain,
      to: parted.replace('create table reading_rest partition of reading default;', ''),
      onlineHazards: ['blocking-lock', 'data-loss'],
    },
    {
      name: 'with a view reading it: the plain form',
      from: `${plain}; create view recent as select id from reading`,
      to: `${parted}; create view recent as select id from reading`,
      onlineHazards: ['blocking-lock', 'data-loss'],
    },
  ],
  { online: true },
);

describe('a table made partitioned and back', () => {
  it('keeps every row and the serial sequence both ways', async () => {
    const [a, b] = await Promise.all([createDatabase(), createDatabase()]);
    try {
      const [sa, sb] = await Promise.all([openServerSession(a.url), openServerSession(b.url)]);
      try {
        await sa.exec(plain);
        await sb.exec(parted);
        const ops = diffCatalogs(await introspect(sa), await introspect(sb));
        const rows = async () =>
          (
            await sa.query<{ n: number; sum: number }>('select count(*)::int as n, sum(id)::int as sum from reading')
          )[0];
        const before = await rows();
        expect(await applyScript(sa, renderScript(ops))).toBeNull();
        expect(await rows()).toEqual(before);
        expect(await sa.query('select count(*)::int as n from reading_2026')).toEqual([{ n: 300 }]);
        await sa.exec("insert into reading (at, grid) values ('2026-12-31', 'g9')");
        expect(await applyScript(sa, renderScript(invertAll(ops)))).toBeNull();
        expect(await rows()).toEqual({ n: 301, sum: before!.sum + 301 });
        expect(await sa.query("select pg_get_serial_sequence('reading', 'id') as s")).toEqual([
          { s: 'public.reading_id_seq' },
        ]);
      } finally {
        await Promise.all([sa.close(), sb.close()]);
      }
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });
});
