import { drizzle } from 'drizzle-orm/postgres-js';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as schema from '../../schema/index.js';
import { migrate, rollback } from '../../src/api.js';
import { modelStatements } from '../../src/drizzle-model/model-statements.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { createDatabase, query, useFreshDatabase } from '../support/fresh-database.js';
import { ROOT } from '../support/spawn.js';

const db = useFreshDatabase();
const migrationsFolder = join(ROOT, 'drizzle');

async function count(sql: string): Promise<number> {
  const [row] = await query<{ n: number }>(db.url, `select (${sql})::int as n`);
  return row!.n;
}

describe('the SmartEM baseline migration', () => {
  it('produces exactly the catalog of the Drizzle model and its extras', async () => {
    await migrate({ url: db.url, migrationsFolder });
    const fromModel = await createDatabase();
    try {
      const sql = postgres(fromModel.url, { max: 1, onnotice: () => {} });
      try {
        for (const statement of await modelStatements(ROOT, undefined)) await sql.unsafe(statement);
      } finally {
        await sql.end();
      }
      expect(await catalogFingerprint(db.url)).toEqual(await catalogFingerprint(fromModel.url));
    } finally {
      await fromModel.drop();
    }
  });

  it("matches the SmartEM head schema's counts (shared/smartem-schema.md section 10)", async () => {
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    const ns = "n.nspname = 'public'";
    expect(await count(`select count(*) from pg_tables where schemaname = 'public'`)).toBe(26);
    expect(await count(`select count(*) from information_schema.columns where table_schema = 'public'`)).toBe(246);
    const types = await query<{ data_type: string; n: number }>(
      db.url,
      "select data_type, count(*)::int as n from information_schema.columns where table_schema = 'public' group by 1 order by 1",
    );
    expect(Object.fromEntries(types.map((t) => [t.data_type, t.n]))).toEqual({
      'character varying': 120,
      integer: 41,
      'double precision': 34,
      'timestamp without time zone': 29,
      boolean: 9,
      jsonb: 5,
      'USER-DEFINED': 5,
      uuid: 3,
    });
    const constraints = `select count(*) from pg_constraint k join pg_namespace n on n.oid = k.connamespace where ${ns}`;
    expect(await count(`${constraints} and contype = 'p'`)).toBe(26);
    expect(await count(`${constraints} and contype = 'p' and array_length(conkey, 1) = 2`)).toBe(3);
    expect(await count(`${constraints} and contype = 'f'`)).toBe(47);
    expect(await count(`${constraints} and contype = 'f' and (confdeltype <> 'a' or confupdtype <> 'a')`)).toBe(0);
    expect(await count(`${constraints} and contype in ('u', 'c')`)).toBe(0);
    expect(await count(`${constraints} and contype = 'p' and conname <> conrelid::regclass::text || '_pkey'`)).toBe(0);
    expect(
      await count(
        `${constraints} and contype = 'f' and conname <> conrelid::regclass::text || '_' || (select attname from pg_attribute where attrelid = conrelid and attnum = conkey[1]) || '_fkey'`,
      ),
    ).toBe(0);
    expect(await count(`select count(*) from pg_indexes where schemaname = 'public'`)).toBe(61);
    expect(
      await count(
        `select count(*) from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace where ${ns} and indisunique and not indisprimary`,
      ),
    ).toBe(3);
    const sequences = await query<{ t: string; n: number }>(
      db.url,
      "select format_type(seqtypid, null) as t, count(*)::int as n from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' group by 1 order by 1",
    );
    expect(sequences).toEqual([
      { t: 'bigint', n: 3 },
      { t: 'integer', n: 9 },
    ]);
    // Every id sequence is owned by its column, the three bigint ones too (schema/model-extras.sql),
    // as in a database the SmartEM Alembic chain built.
    expect(
      await count(
        "select count(*) from pg_sequence s join pg_depend d on d.objid = s.seqrelid and d.classid = 'pg_class'::regclass and d.deptype = 'a' join pg_class c on c.oid = d.refobjid join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid where a.attname = 'id' and c.relname || '_id_seq' = s.seqrelid::regclass::text",
      ),
    ).toBe(12);
    const enums = await query<{ typname: string; labels: string }>(
      db.url,
      "select t.typname, string_agg(e.enumlabel, ',' order by e.enumsortorder) as labels from pg_type t join pg_enum e on e.enumtypid = t.oid group by 1 order by 1",
    );
    expect(enums).toEqual([
      { typname: 'acquisitionstatus', labels: 'PLANNED,STARTED,COMPLETED,PAUSED,ABANDONED' },
      { typname: 'foilholestatus', labels: 'NONE,MICROGRAPHS_DETECTED' },
      { typname: 'gridsquarestatus', labels: 'NONE,FOIL_HOLES_DECISION_STARTED,FOIL_HOLES_DECISION_COMPLETED' },
      {
        typname: 'gridstatus',
        labels: 'NONE,SCAN_STARTED,SCAN_COMPLETED,GRID_SQUARES_DECISION_STARTED,GRID_SQUARES_DECISION_COMPLETED',
      },
      {
        typname: 'micrographstatus',
        labels:
          'NONE,MOTION_CORRECTION_STARTED,MOTION_CORRECTION_COMPLETED,CTF_STARTED,CTF_COMPLETED,PARTICLE_PICKING_STARTED,PARTICLE_PICKING_COMPLETED,PARTICLE_SELECTION_STARTED,PARTICLE_SELECTION_COMPLETED',
      },
    ]);
  });

  it('gives the agent ids the catalog the Alembic chain left: bigint sequences owned by integer columns', async () => {
    await migrate({ url: db.url, migrationsFolder });
    const alembic = await createDatabase();
    try {
      // What SmartEM's baseline (BIGSERIAL) and 87f8c5e11906 (ALTER ... TYPE INTEGER) did.
      await query(
        alembic.url,
        'create table agentsession (id bigserial primary key); alter table agentsession alter column id type integer',
      );
      const fingerprint = async (url: string) =>
        (await catalogFingerprint(url)).filter((line) => /agentsession_id_seq|column agentsession\.id /.test(line));
      const ours = await fingerprint(db.url);
      expect(ours).toHaveLength(2);
      expect(ours).toEqual(await fingerprint(alembic.url));
    } finally {
      await alembic.drop();
    }
  });

  it('rolls back to an empty schema and applies again', async () => {
    await migrate({ url: db.url, migrationsFolder });
    const before = await catalogFingerprint(db.url);
    await rollback('base', { url: db.url, migrationsFolder });
    expect(await catalogFingerprint(db.url)).toEqual([]);
    await migrate({ url: db.url, migrationsFolder });
    expect(await catalogFingerprint(db.url)).toEqual(before);
  });

  it('serves the hierarchy through Drizzle relational queries, with app-side defaults filled in', async () => {
    await migrate({ url: db.url, migrationsFolder });
    const client = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const orm = drizzle(client, { schema });
      await orm.insert(schema.acquisition).values({ uuid: 'acq-1' });
      await orm.insert(schema.grid).values({ uuid: 'grid-1', acquisitionUuid: 'acq-1', name: 'Grid 1' });
      await orm.insert(schema.gridsquare).values({ uuid: 'gs-1', gridUuid: 'grid-1' });
      await orm.insert(schema.foilhole).values({ uuid: 'fh-1', gridsquareUuid: 'gs-1' });
      await orm.insert(schema.micrograph).values({ uuid: 'mg-1', foilholeUuid: 'fh-1' });
      await orm.insert(schema.agentsession).values({ sessionId: 's-1', agentId: 'agent', acquisitionUuid: 'acq-1' });
      const [instruction] = await orm
        .insert(schema.agentinstruction)
        .values({ sessionId: 's-1', agentId: 'agent', instructionType: 'move' })
        .returning();
      expect(instruction!.instructionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(instruction!.id).toBe(1);

      const tree = await orm.query.acquisition.findFirst({
        where: eq(schema.acquisition.uuid, 'acq-1'),
        with: {
          grids: { with: { gridsquares: { with: { foilholes: { with: { micrographs: true } } } } } },
          agentSessions: true,
        },
      });
      expect(tree).toMatchObject({
        name: 'Unknown',
        status: 'PLANNED',
        grids: [
          {
            status: 'NONE',
            gridsquares: [{ foilholes: [{ isNearGridBar: false, micrographs: [{ uuid: 'mg-1', status: 'NONE' }] }] }],
          },
        ],
        agentSessions: [{ sessionId: 's-1', status: 'active' }],
      });
      expect(tree!.grids[0]!.predictionUpdatedTime).toBeInstanceOf(Date);
      // The database enforces the references that the relations describe.
      await expect(
        orm.insert(schema.grid).values({ uuid: 'grid-2', acquisitionUuid: 'missing', name: 'x' }),
      ).rejects.toMatchObject({
        cause: { constraint_name: 'grid_acquisition_uuid_fkey' },
      });
    } finally {
      await client.end();
    }
  });
});
