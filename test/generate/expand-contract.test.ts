import { describe, expect, it } from 'vitest';
import { check, generate, migrate, rollback, status } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

// Case records for expand and contract: the model before and after, how the old column's value
// compares with the new one's, and what generate must be told. Each goes through the expand (the
// old and the new app both write), the contract, and both downs, on rows.
const model = (
  columns: string,
  indexes: string,
) => `${HEADER.replace(' } from', ', bigint, text, pgEnum as enumOf } from')}
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
  const options = () => ({ migrationsFolder: p.migrations, schema: p.schema, cwd: p.dir, url: db.url, env: {} });
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
});
