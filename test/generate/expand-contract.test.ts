import { describe, expect, it } from 'vitest';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, doctor, generate, hash, migrate, offlineSql, rollback, status } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

// Case records for expand and contract: the model before and after, how the old column's value
// compares with the new one's, and what generate must be told. Each goes through the expand (the
// old and the new app both write), the contract, and both downs, on rows.
const model = (columns: string, indexes = '') => `${HEADER.replace(' } from', ', bigint, text, boolean } from')}
export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });
export const state = pgEnum('micrograph_state', ['new', 'done']);
export const micrograph = pgTable(
  'micrograph',
  {
    uuid: varchar('uuid').primaryKey(),
    ${columns}
  },
  (t) => [${indexes}],
);
`;

interface Case {
  name: string;
  before: { column: string; sql: string; index?: string };
  after: { column: string; sql: string; index?: string };
  renames?: string[];
  allowDataLoss?: boolean;
  /** A value the old app writes, and the value the new app writes (as SQL literals). */
  oldValue: string;
  newValue: string;
  /** SQL that is true when a row's two columns agree. */
  equal: string;
}

const CASES: Case[] = [
  {
    name: 'rename, NOT NULL with a default and an index of the same name',
    before: {
      column: "defocus: integer('defocus').notNull().default(0)",
      sql: 'defocus',
      index: "index('ix_micrograph_defocus').on(t.defocus)",
    },
    after: {
      column: "defocusNm: integer('defocus_nm').notNull().default(0)",
      sql: 'defocus_nm',
      index: "index('ix_micrograph_defocus').on(t.defocusNm)",
    },
    renames: ['micrograph.defocus=defocus_nm'],
    oldValue: '7',
    newValue: '8',
    equal: 'defocus = defocus_nm',
  },
  {
    name: 'rename of a foreign key column',
    before: { column: "gridUuid: varchar('grid_uuid').references(() => grid.uuid)", sql: 'grid_uuid' },
    after: { column: "gridId: varchar('grid_id').references(() => grid.uuid)", sql: 'grid_id' },
    renames: ['micrograph.grid_uuid=grid_id'],
    oldValue: "'g1'",
    newValue: "'g2'",
    equal: 'grid_uuid IS NOT DISTINCT FROM grid_id',
  },
  {
    name: 'integer to bigint, indexed',
    before: {
      column: "defocus: integer('defocus').notNull()",
      sql: 'defocus',
      index: "index('ix_micrograph_defocus').on(t.defocus)",
    },
    after: {
      column: "defocus: bigint('defocus', { mode: 'number' }).notNull()",
      sql: 'defocus',
      index: "index('ix_micrograph_defocus').on(t.defocus)",
    },
    allowDataLoss: true,
    oldValue: '7',
    newValue: '8',
    equal: 'defocus = defocus_smartem_new',
  },
  {
    name: 'text to an enum',
    before: { column: "state: text('state')", sql: 'state' },
    after: { column: "state: state('state')", sql: 'state' },
    allowDataLoss: true,
    oldValue: "'new'",
    newValue: "'done'",
    equal: 'state IS NOT DISTINCT FROM state_smartem_new::text',
  },
  {
    name: 'timestamp without time zone to with time zone',
    before: { column: "at: timestamp('at')", sql: 'at' },
    after: { column: "at: timestamp('at', { withTimezone: true })", sql: 'at' },
    allowDataLoss: true,
    oldValue: "'2026-12-07 10:00'",
    newValue: "'2026-12-07 11:00+00'",
    equal: 'at IS NOT DISTINCT FROM at_smartem_new::timestamp',
  },
];

function projectOf(c: Case) {
  const p = tempProject(model(c.before.column, c.before.index ?? ''));
  const options = () => p.optionsFor(db.url);
  return { p, options };
}

async function countOf(sql: string): Promise<number> {
  const [row] = await query(db.url, `select count(*)::int as n from (${sql}) as x`);
  return (row as { n: number }).n;
}

describe('generate --expand-contract', () => {
  it.each(CASES)('$name: expand, both apps, contract, and both downs', async (c) => {
    const { p, options } = projectOf(c);
    await generate({ ...options(), name: 'baseline' });
    await migrate(options());
    await query(db.url, "insert into grid values ('g1'), ('g2')");
    await query(
      db.url,
      `insert into micrograph (uuid, ${c.before.sql}) select 'm' || g, ${c.oldValue} from generate_series(1, 300) g`,
    );

    p.setSchema(model(c.after.column, c.after.index ?? ''));
    const written = await generate({
      ...options(),
      name: c.name,
      expandContract: true,
      renames: c.renames,
      allowDataLoss: c.allowDataLoss,
    });
    expect(written.contract?.id).toMatch(/-003_contract_/);
    expect(written.contract?.up).toContain(`-- contracts: ${written.id}`);
    expect(written.up).toContain('CREATE TRIGGER');
    expect(written.contract?.up).toContain('-- transaction: yes');

    // The expand: migrate() applies it and stops before the contract.
    const expanded = await migrate(options());
    expect(expanded.ran.map((r) => r.id)).toEqual([written.id]);
    expect(expanded.contractWaiting).toEqual({ id: written.contract!.id, expand: written.id });
    expect((await status(options())).waitingForContract).toEqual([
      { expand: written.id, contract: written.contract!.id },
    ]);
    const during = c.renames ? c.after.sql : `${c.after.sql}_smartem_new`;
    // The old app writes the old column, the new app the new one (by its name in between).
    await query(db.url, `insert into micrograph (uuid, ${c.before.sql}) values ('old-app', ${c.oldValue})`);
    await query(db.url, `insert into micrograph (uuid, ${during}) values ('new-app', ${c.newValue})`);
    await query(db.url, `update micrograph set ${c.before.sql} = ${c.newValue} where uuid = 'm1'`);
    await query(db.url, `update micrograph set ${during} = ${c.oldValue} where uuid = 'm2'`);
    expect(await countOf(`select 1 from micrograph where not (${c.equal})`)).toBe(0);
    expect(await countOf(`select 1 from micrograph where ${during} is null`)).toBe(0);
    // The drift check accepts the expanded state: it is what the applied migrations make.
    const checked = await check({ ...options(), modelOnly: false });
    expect(checked.database?.drift ?? []).toEqual([]);

    // The contract, when asked for.
    const contracted = await migrate({ ...options(), contract: true });
    expect(contracted.ran.map((r) => r.id)).toEqual([written.contract!.id]);
    expect(await countOf(`select 1 from micrograph where ${c.after.sql} is null`)).toBe(0);
    const columns = await query(
      db.url,
      "select attname from pg_attribute where attrelid = 'micrograph'::regclass and attnum > 0 and not attisdropped order by attname",
    );
    expect(columns.map((r) => (r as { attname: string }).attname)).toContain(c.after.sql);
    expect(columns.map((r) => (r as { attname: string }).attname)).not.toContain(
      during === c.after.sql ? c.before.sql : during,
    );

    // Both downs bring the old column back with its values.
    await rollback({ steps: 1 }, { ...options(), allowDataLoss: true });
    expect(await countOf(`select 1 from micrograph where not (${c.equal})`)).toBe(0);
    await rollback({ steps: 1 }, { ...options(), allowDataLoss: true });
    expect(await countOf(`select 1 from micrograph where ${c.before.sql} is null and uuid <> 'm0'`)).toBe(0);
    expect(await countOf('select 1 from micrograph')).toBe(302);
  });

  /** A project at a baseline of `before`, its model then changed to `after`. */
  async function changed(before: string, after: string, beforeIndex = '', afterIndex = '') {
    const p = tempProject(model(before, beforeIndex));
    const options = () => p.optionsFor(db.url);
    await generate({ ...options(), name: 'baseline' });
    p.setSchema(model(after, afterIndex));
    return { p, options };
  }

  const failureOf = (run: Promise<unknown>) =>
    run.then(
      () => {
        throw new Error('expected it to fail');
      },
      (error: Error & { code: string }) => error,
    );

  it('refuses, by name, a column in the primary key, one a foreign key references, and a lossy cast unacknowledged', async () => {
    const key = await changed("code: integer('code')", "code: integer('code')");
    key.p.setSchema(
      model("code: integer('code')").replace(
        "uuid: varchar('uuid').primaryKey()",
        "uuid: integer('uuid').primaryKey()",
      ),
    );
    const keyError = await failureOf(
      generate({ ...key.options(), name: 'key', expandContract: true, allowDataLoss: true }),
    );
    expect(keyError.code).toBe('UNSUPPORTED_CHANGE');
    expect(keyError.message).toContain('public.grid.uuid: it is in the primary key');

    // A unique key another table's foreign key references.
    const withCode = (name: string) =>
      model(`gridCode: varchar('grid_code').references(() => grid.${name})`).replace(
        "pgTable('grid', { uuid: varchar('uuid').primaryKey() })",
        `pgTable('grid', { uuid: varchar('uuid').primaryKey(), ${name}: varchar('${name}').unique('grid_code_key') })`,
      );
    const referenced = await changed('', '');
    referenced.p.setSchema(withCode('code'));
    await generate({ ...referenced.options(), name: 'grid code' });
    referenced.p.setSchema(withCode('label'));
    const refError = await failureOf(
      generate({ ...referenced.options(), name: 'grid label', renames: ['grid.code=label'], expandContract: true }),
    );
    expect(refError.code).toBe('UNSUPPORTED_CHANGE');
    expect(refError.message).toContain(
      'public.grid.code: foreign keys reference it (micrograph_grid_code_grid_code_fk on public.micrograph)',
    );

    const lossy = await changed("code: integer('code')", "code: bigint('code', { mode: 'number' })");
    const lossError = await failureOf(generate({ ...lossy.options(), name: 'wider code', expandContract: true }));
    expect(lossError.code).toBe('DATA_LOSS_REFUSED');
    expect(lossError.message).toContain('a hint "public.micrograph.code"');
    expect(readdirSyncNames(lossy.p.migrations)).toHaveLength(1);
  });

  it('refuses, by name, a column a view reads (the view would have to be made again while both apps run)', async () => {
    const p = tempProject(model("label: varchar('label')"));
    writeFileSync(join(p.dir, 'model-extras.sql'), 'CREATE VIEW labels AS SELECT label FROM micrograph;\n');
    const options = () => p.optionsFor(db.url);
    await generate({ ...options(), name: 'baseline' });
    writeFileSync(join(p.dir, 'model-extras.sql'), 'CREATE VIEW labels AS SELECT title AS label FROM micrograph;\n');
    p.setSchema(model("title: varchar('title')"));
    const error = await failureOf(
      generate({ ...options(), name: 'title', renames: ['micrograph.label=title'], expandContract: true }),
    );
    expect(error.code).toBe('UNSUPPORTED_CHANGE');
    expect(error.message).toMatch(/cannot move public\.micrograph\.label: it would also have to .*view public\.labels/);
    expect(readdirSyncNames(p.migrations)).toHaveLength(1);
  });

  it('takes the conversions both ways from the hints file (text y/n to boolean)', async () => {
    const { p, options } = await changed("ok: text('ok')", "ok: boolean('ok')");
    await migrate(options());
    await query(db.url, "insert into micrograph (uuid, ok) values ('a', 'y'), ('b', 'n'), ('c', null)");
    const hints = join(p.dir, 'hints.json');
    writeFileSync(
      hints,
      JSON.stringify({
        conversions: { 'micrograph.ok': { up: "ok = 'y'", down: "CASE WHEN ok THEN 'y' ELSE 'n' END" } },
      }),
    );
    const written = await generate({ ...options(), name: 'ok as boolean', hintsFile: hints, expandContract: true });
    expect(written.up).toContain(`(SELECT ok = 'y' FROM (SELECT NEW."ok" AS "ok") AS smartem_row)`);
    await migrate(options());
    await query(db.url, "insert into micrograph (uuid, ok_smartem_new) values ('d', true)");
    const rows = await query(db.url, 'select uuid, ok, ok_smartem_new as b from micrograph order by uuid');
    expect(rows).toEqual([
      { uuid: 'a', ok: 'y', b: true },
      { uuid: 'b', ok: 'n', b: false },
      { uuid: 'c', ok: null, b: null },
      { uuid: 'd', ok: 'y', b: true },
    ]);
    // The contract is left out of the offline SQL, as migrate() leaves it, unless asked for.
    const withoutContract = await offlineSql({ ...options(), direction: 'up' });
    expect(withoutContract).toContain('0 migration(s)');
    expect(withoutContract).not.toContain(written.contract!.id);
    expect(await offlineSql({ ...options(), direction: 'up', contract: true })).toContain(written.contract!.id);
    // The doctor says the contract waits, and does not call it a pending migration to upgrade.
    const report = await doctor({ ...options(), drift: false });
    const said = report.findings.filter((f) => f.check === 'migrations');
    expect(said.map((f) => [f.severity, f.message])).toEqual([['info', 'Contracts waiting for the rollout:']]);
    expect(said[0]!.objects).toEqual([
      expect.stringContaining(`${written.contract!.id} (the contract of ${written.id}, applied `),
    ]);
    await query(db.url, `update smartem_db.migrations set applied_at = now() - interval '8 days' where id = $1`, [
      written.id,
    ]);
    const later = await doctor({ ...options(), drift: false });
    expect(later.findings.filter((f) => f.check === 'migrations').map((f) => [f.severity, f.message])).toEqual([
      ['warn', 'Contracts waiting for over a week:'],
    ]);
    const early = await failureOf(migrate({ ...options(), to: written.contract!.id }));
    expect(early.code).toBe('INVALID_ARGUMENT');
    expect(early.message).toContain('upgrade --contract');
    await migrate({ ...options(), contract: true });
    expect(await query(db.url, 'select uuid, ok from micrograph order by uuid')).toEqual([
      { uuid: 'a', ok: true },
      { uuid: 'b', ok: false },
      { uuid: 'c', ok: null },
      { uuid: 'd', ok: true },
    ]);
  });

  it('is the default with --from-db for a table over 10,000 rows, and --no-expand-contract writes one', async () => {
    const { options } = await changed("label: varchar('label')", "title: varchar('title')");
    await migrate(options());
    await query(db.url, "insert into micrograph (uuid, label) select 'm' || g, 'x' from generate_series(1, 10001) g");
    await query(db.url, 'analyze micrograph');
    const told: string[] = [];
    const logger = { info: (m: string) => told.push(m), warn: () => {} };
    const base = { ...options(), renames: ['micrograph.label=title'], fromDb: db.url, logger };
    const single = await generate({ ...base, name: 'title, one migration', expandContract: false });
    expect(single.contract).toBeUndefined();
    expect(single.up).toContain('RENAME COLUMN "label" TO "title"');
    await rollbackFolder(single.id!, options().migrationsFolder);
    const both = await generate({ ...base, name: 'title' });
    expect(both.contract?.id).toMatch(/_contract_title$/);
    expect(told.join('\n')).toContain('the default for tables over 10,000 rows: public.micrograph (about 10,001 rows)');
  });

  it('writes one migration when no change needs two (varchar(20) to text changes in place)', async () => {
    const { options } = await changed("label: varchar('label', { length: 20 })", "label: text('label')");
    const warnings: string[] = [];
    const logger = { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
    const written = await generate({ ...options(), name: 'label as text', expandContract: true, logger });
    expect(written.contract).toBeUndefined();
    expect(written.up).toContain('ALTER COLUMN "label" TYPE text');
    expect(warnings.join('\n')).toContain('--expand-contract: no column');
  });
});

/** Takes a just-written migration back out of the folder (it was never applied). */
async function rollbackFolder(id: string, folder: string): Promise<void> {
  rmSync(join(folder, id), { recursive: true });
  await hash({ migrationsFolder: folder });
}

function readdirSyncNames(dir: string): string[] {
  return readdirSync(dir).filter((f) => f !== 'smartem.sum');
}
