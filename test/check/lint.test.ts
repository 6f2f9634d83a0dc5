import { describe, expect, it } from 'vitest';
import { generate, lint, migrate } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

const base = {
  name: 'base',
  up: [
    'create table grid (uuid varchar primary key, name varchar, notes text, n int);',
    'create table acquisition (uuid varchar primary key);',
    'create table reading (at int not null, v int) partition by range (at);',
    'create table reading_a (at int not null, v int);',
  ].join('\n'),
};
const attach = 'alter table reading attach partition reading_a for values from (0) to (100);';
const bound = (check: string, validated = true) =>
  `alter table reading_a add constraint reading_a_bound check (${check}) not valid;\n${validated ? 'alter table reading_a validate constraint reading_a_bound;\n' : ''}`;

const flagged: [string, string, string][] = [
  ['data-loss', 'drop table acquisition;', 'drops table acquisition'],
  ['data-loss', 'alter table grid drop column notes;', 'drops column public.grid.notes'],
  ['data-loss', 'truncate grid;', 'empties tables'],
  ['data-loss', 'alter type spot drop attribute y;', 'drops attribute y of composite type public.spot'],
  ['data-loss', 'delete from grid;', 'deletes every row of public.grid'],
  ['data-loss', 'alter type status rename to status__old;', 'enum swap'],
  ['table-rewrite', 'alter table grid alter column n type bigint;', 'rewrites the table'],
  ['table-rewrite', 'alter table grid add column made timestamptz default clock_timestamp();', 'volatile default'],
  ['blocking-lock', 'alter table grid alter column name set not null;', 'scans the whole table'],
  ['blocking-lock', 'create index ix_grid_name on grid (name);', 'builds index ix_grid_name'],
  [
    'blocking-lock',
    'alter table grid add constraint g_a foreign key (name) references acquisition (uuid);',
    'validating every row',
  ],
  ['blocking-lock', 'alter table grid add constraint n_pos check (n > 0);', 'adds check n_pos'],
  ['blocking-lock', 'alter table grid add constraint name_key unique (name);', 'building its index'],
  ['breaking-change', 'alter table grid rename column notes to remarks;', 'renames column public.grid.notes'],
  ['breaking-change', 'alter table grid rename to grids;', 'renames table public.grid'],
  ['breaking-change', 'alter table grid add column code varchar not null;', 'fails if the table has rows'],
  ['blocking-lock', attach, 'checks every row of public.reading_a against the bounds'],
];
/** Lints one migration that follows `base` (so its tables already exist) and returns its findings. */
async function lintOne(up: string) {
  const folder = writeMigrations([base, { name: 'change', up }]);
  const report = await lint({ migrationsFolder: folder, all: true, env: {} });
  return { report, change: report.findings.filter((f) => f.migration === migrationId(2, 'change')) };
}

describe('the hazard lint with a database (lint --db)', () => {
  it('says how big each table is, lets locks on small tables pass by the threshold, and judges type changes by the catalog', async () => {
    const folder = writeMigrations([
      { name: 'base', up: 'create table big (id int, code varchar(10));\ncreate table tiny (id int);' },
      {
        name: 'change',
        up: 'create index ix_big_id on big (id);\ncreate index ix_tiny_id on tiny (id);\nalter table big alter column code type varchar(20);\nalter table tiny alter column id type smallint;',
      },
    ]);
    await migrate({ url: db.url, migrationsFolder: folder, to: '001' });
    await query(
      db.url,
      "insert into big select g, 'x' from generate_series(1, 20000) g; insert into tiny values (1); analyze",
    );
    const report = await lint({ migrationsFolder: folder, db: db.url, env: {} });
    const about = (text: string) => report.findings.filter((f) => f.message.includes(text));
    expect(about('ix_big_id')).toEqual([
      expect.objectContaining({ kind: 'blocking-lock', acknowledged: null, tableRows: 20000 }),
    ]);
    expect(about('ix_tiny_id')).toEqual([
      expect.objectContaining({
        acknowledged: expect.stringContaining('public.tiny is small (about 1 rows, at most 10,000)'),
      }),
    ]);
    // Widening a varchar is free (known from the catalog); narrowing an integer may lose data, whatever the size.
    expect(about('public.big.code')).toEqual([]);
    expect(about('public.tiny.id').map((f) => [f.kind, f.acknowledged === null])).toEqual(
      expect.arrayContaining([['data-loss', true]]),
    );
    expect(report.ok).toBe(false);
    // Without a database the same widening is judged the worst it could be.
    const blind = await lint({ migrationsFolder: folder, all: true, env: {} });
    expect(blind.findings.some((f) => f.message.includes('public.big.code'))).toBe(true);
  });
});

describe('the hazard lint', () => {
  it('fails a transactional migration that ends its own transaction, naming the line; a no-transaction one may', async () => {
    const { report } = await lintOne('create table b (id int);\ncommit;');
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({
        migration: migrationId(2, 'change'),
        line: 5,
        message: expect.stringMatching(/^statement 2 is COMMIT, but this script runs in a transaction/),
      }),
    ]);
    const folder = writeMigrations([
      base,
      { name: 'change', transaction: false, up: 'begin;\ncreate table b (id int);\ncommit;' },
    ]);
    const free = await lint({ migrationsFolder: folder, all: true, env: {} });
    expect(free.errors.map((e) => e.message)).toEqual([]);
  });

  it.each(flagged)('flags %s: %s', async (kind, up, text) => {
    const { report, change } = await lintOne(up);
    expect(report.ok).toBe(false);
    expect(change).toHaveLength(1);
    expect(change[0]).toMatchObject({ kind, acknowledged: null, line: 4 });
    expect(change[0]!.message).toContain(text);
    expect(change[0]!.alternative.length).toBeGreaterThan(10);
  });

  it.each(flagged)('accepts %s: %s once acknowledged with a reason', async (kind, up) => {
    const { report, change } = await lintOne(`-- smartem-db:allow ${kind}: reviewed for this test\n${up}`);
    expect(change).toMatchObject([{ kind, acknowledged: 'reviewed for this test' }]);
    expect(report.ok).toBe(true);
  });

  it.each([
    [
      'SET NOT NULL after a validated IS NOT NULL check',
      'alter table grid add constraint name_nn check (name is not null) not valid;\nalter table grid validate constraint name_nn;\nalter table grid alter column name set not null;',
    ],
    ['an index built concurrently', 'create index concurrently ix on grid (name);'],
    [
      'a foreign key added NOT VALID, validated later',
      'alter table grid add constraint g_a foreign key (name) references acquisition (uuid) not valid;\nalter table grid validate constraint g_a;',
    ],
    ['a stable default', 'alter table grid add column made timestamp default now();'],
    [
      'work on a table created in the same migration',
      'create table t (a int);\ncreate index on t (a);\nalter table t alter column a set not null;\nalter table t add constraint t_a check (a > 0);',
    ],
    ['a delete with a WHERE', "delete from grid where name = 'x';"],
    ['ATTACH PARTITION after a validated CHECK of its bounds', `${bound('at >= 0 and at < 100')}${attach}`],
    [
      'ATTACH PARTITION after a CHECK as PostgreSQL prints the partition constraint',
      `${bound('((at IS NOT NULL) AND (at >= 0) AND (at < 100))')}${attach}`,
    ],
  ])('passes %s', async (_name, up) => {
    const { change } = await lintOne(up);
    expect(change).toEqual([]);
  });

  it.each([
    ['a CHECK not validated yet', `${bound('at >= 0 and at < 100', false)}${attach}`],
    ['a CHECK of other bounds', `${bound('at >= 0 and at < 200')}${attach}`],
    ['a CHECK of one bound only', `${bound('at >= 0')}${attach}`],
    [
      'a CHECK dropped again',
      `${bound('at >= 0 and at < 100')}alter table reading_a drop constraint reading_a_bound;\n${attach}`,
    ],
    ['a CHECK over two columns', `${bound('at >= 0 and v < 100')}${attach}`],
  ])('still flags ATTACH PARTITION after %s: PostgreSQL would scan', async (_name, up) => {
    const { change } = await lintOne(up);
    expect(change.map((f) => [f.kind, f.message])).toEqual([
      ['blocking-lock', expect.stringContaining('attaches public.reading_a to public.reading')],
    ]);
  });

  it("with the database, ATTACH's CHECK must be over the parent's key (without it, the column is the CHECK's)", async () => {
    const folder = writeMigrations([base, { name: 'change', up: `${bound('v >= 0 and v < 100')}${attach}` }]);
    await migrate({ url: db.url, migrationsFolder: folder, to: '001' });
    const known = await lint({ migrationsFolder: folder, db: db.url, env: {} });
    expect(known.findings.map((f) => f.message)).toEqual([expect.stringContaining('attaches public.reading_a')]);
    const right = writeMigrations([base, { name: 'change', up: `${bound('at >= 0 and at < 100')}${attach}` }]);
    expect((await lint({ migrationsFolder: right, db: db.url, env: {} })).findings).toEqual([]);
  });

  describe('a partitioned table, with the database: its plain statement only attaches what each partition has already', () => {
    const tree = {
      name: 'base',
      up: [
        'create table grid (id int primary key);',
        'create table sample (at int not null, v int, grid_id int) partition by range (at);',
        'create table sample_a partition of sample for values from (0) to (100);',
        'create table sample_b partition of sample for values from (100) to (200) partition by hash (v);',
        'create table sample_b0 partition of sample_b for values with (modulus 1, remainder 0);',
      ].join('\n'),
    };
    const onEach = (sql: (leaf: string) => string, leaves = ['sample_a', 'sample_b0']) => leaves.map(sql).join('\n');
    const index = (leaf: string) => `create index concurrently ${leaf}_v on ${leaf} (v);`;
    const key = (leaf: string) =>
      `create unique index concurrently ${leaf}_k on ${leaf} (v, at);\nalter table ${leaf} add constraint ${leaf}_k unique using index ${leaf}_k;`;
    const fk = (leaf: string, validated = true) =>
      `alter table ${leaf} add constraint sample_g foreign key (grid_id) references grid (id) not valid;` +
      (validated ? `\nalter table ${leaf} validate constraint sample_g;` : '');
    const findings = async (up: string) => {
      const folder = writeMigrations([tree, { name: 'change', up, transaction: false }]);
      await migrate({ url: db.url, migrationsFolder: folder, to: '001' });
      const report = await lint({ migrationsFolder: folder, db: db.url, env: {} });
      return report.findings.map((f) => [f.kind, f.message]);
    };

    it.each([
      ['an index built on each partition first', `${onEach(index)}\ncreate index sample_v on sample (v);`],
      [
        'a unique key made on each partition first',
        `${onEach(key)}\nalter table sample add constraint sample_k unique (v, at);`,
      ],
      [
        'a foreign key validated on each partition first',
        `${onEach((l) => fk(l))}\nalter table sample add constraint sample_g foreign key (grid_id) references grid (id);`,
      ],
    ])('passes %s', async (_name, up) => {
      expect(await findings(up)).toEqual([]);
    });

    it.each([
      [
        'an index one partition lacks (named)',
        `${onEach(index, ['sample_a'])}\ncreate index sample_v on sample (v);`,
        'builds index sample_v on public.sample_b0 (partitions of public.sample)',
      ],
      [
        'an index of another shape on the partitions',
        `${onEach((l) => `create index concurrently ${l}_v on ${l} (v, at);`)}\ncreate index sample_v on sample (v);`,
        'builds index sample_v on public.sample_a, public.sample_b0',
      ],
      [
        'a foreign key not validated on a partition',
        `${fk('sample_a')}\n${fk('sample_b0', false)}\nalter table sample add constraint sample_g foreign key (grid_id) references grid (id);`,
        'validating every row',
      ],
      [
        'a unique key of other columns on the partitions',
        `${onEach(key)}\nalter table sample add constraint sample_k unique (v);`,
        'building its index',
      ],
    ])('flags %s', async (_name, up, message) => {
      expect(await findings(up)).toEqual([['blocking-lock', expect.stringContaining(message)]]);
    });

    it("without the database, takes the tables that got the same index first for the partitions (the manual's way), and else says how it would pass", async () => {
      const lintAlone = async (up: string) => {
        const folder = writeMigrations([tree, { name: 'change', up, transaction: false }]);
        const report = await lint({ migrationsFolder: folder, all: true, env: {} });
        return report.findings.map((f) => [f.kind, f.message, f.alternative]);
      };
      expect(await lintAlone(`${onEach(index)}\ncreate index sample_v on sample (v);`)).toEqual([]);
      expect(
        await lintAlone(
          `${onEach((l) => fk(l))}\nalter table sample add constraint sample_g foreign key (grid_id) references grid (id);`,
        ),
      ).toEqual([]);
      expect(await lintAlone('create index sample_v on sample (v);')).toEqual([
        [
          'blocking-lock',
          expect.stringContaining('builds index sample_v on public.sample'),
          expect.stringContaining('on each partition first'),
        ],
      ]);
    });
  });

  it('accepts a hazard acknowledged with a reason, and only that kind', async () => {
    const { report, change } = await lintOne(
      '-- smartem-db:allow data-loss: notes was never written (ticket 123)\nalter table grid drop column notes;\nalter table grid rename column name to title;',
    );
    expect(change.map((f) => [f.kind, f.acknowledged])).toEqual([
      ['data-loss', 'notes was never written (ticket 123)'],
      ['breaking-change', null],
    ]);
    expect(report.ok).toBe(false);
  });

  it('rejects a directive without a reason, and SQL the parser rejects', async () => {
    const { report } = await lintOne(
      '-- smartem-db:allow data-loss\nalter table grid drop column notes;\nalter tabel grid add column x int;',
    );
    expect(report.errors.map((e) => e.message)).toEqual([
      '"-- smartem-db:allow data-loss" needs a reason: -- smartem-db:allow <kind>: <why this is safe here>',
      expect.stringContaining("PostgreSQL's parser rejects this statement: syntax error"),
    ]);
  });

  it('lints only what a database has not applied yet, and what generate acknowledged passes', async () => {
    const p = tempProject(
      `${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), notes: varchar('notes') });\n`,
    );
    const options = () => p.optionsFor(db.url);
    await generate({ ...options(), name: 'baseline' });
    await migrate(options());
    p.setSchema(`${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n`);
    const dropped = await generate({ ...options(), name: 'drop notes', allowDataLoss: true });
    expect(dropped.up).toContain(
      '-- smartem-db:allow data-loss: acknowledged with --allow-data-loss when this migration was generated',
    );
    const report = await lint({ ...options(), db: db.url });
    expect(report.findings.map((f) => [f.migration, f.kind, f.acknowledged !== null])).toEqual([
      [dropped.id, 'data-loss', true],
    ]);
    expect(report.ok).toBe(true);
  });
});
