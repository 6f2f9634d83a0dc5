import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgSchema,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as smartem from '../../schema/index.js';
import { introspect } from '../../src/catalog/introspect.js';
import { openServerSession } from '../../src/db/postgres-session.js';
import { diffCatalogs } from '../../src/diff/diff-catalogs.js';
import { renderScript } from '../../src/render/render-script.js';
import { modelDdl } from '../../src/drizzle-model/model-ddl.js';
import { catalogFingerprint } from '../support/catalog-fingerprint.js';
import { createDatabase } from '../support/fresh-database.js';

// Pairs of Drizzle models. For each, drizzle-kit renders A into one database and B into another;
// our migration from A's catalog to B's, applied to the first, must give B's catalog exactly.

const status = pgEnum('status', ['NONE', 'STARTED']);
const statusMore = pgEnum('status', ['NONE', 'QUEUED', 'STARTED', 'DONE']);
const gridV1 = pgTable('grid', { uuid: varchar('uuid').primaryKey(), name: varchar('name').notNull() });
const gridV2 = pgTable(
  'grid',
  {
    uuid: varchar('uuid').primaryKey(),
    name: varchar('name', { length: 200 }).notNull().default('Unnamed'),
    status: status('status').default('NONE'),
    scannedAt: timestamp('scanned_at', { withTimezone: true }),
  },
  (t) => [index('ix_grid_status').on(t.status)],
);
const square = (grid: typeof gridV1) =>
  pgTable(
    'gridsquare',
    {
      uuid: varchar('uuid').primaryKey(),
      gridUuid: varchar('grid_uuid').references(() => grid.uuid, { onDelete: 'cascade' }),
      defocus: doublePrecision('defocus'),
      selected: boolean('selected').default(false),
    },
    (t) => [index('ix_gridsquare_grid_uuid').on(t.gridUuid)],
  );
const ops = pgSchema('ops');
const job = ops.table('job', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  kind: text('kind').notNull(),
  payload: text('payload'),
});
const agentLog = pgTable(
  'agentlog',
  { id: serial('id').primaryKey(), agentId: varchar('agent_id').notNull(), level: varchar('level').notNull() },
  (t) => [
    index('ix_agentlog_agent_id_id').on(t.agentId, t.id),
    uniqueIndex('ux_agentlog_level')
      .on(t.level)
      .where(sql`level <> 'DEBUG'`),
  ],
);
const gridSquareStatusRegistered = pgEnum('gridsquarestatus', [
  'NONE',
  'FOIL_HOLES_DECISION_STARTED',
  'FOIL_HOLES_DECISION_COMPLETED',
  'REGISTERED',
]);
const processingJob = pgTable(
  'processingjob',
  {
    id: serial('id').primaryKey(),
    micrographUuid: varchar('micrograph_uuid')
      .notNull()
      .references(() => smartem.micrograph.uuid, { onDelete: 'cascade' }),
    startedAt: timestamp('started_at').notNull().defaultNow(),
  },
  (t) => [index('ix_processingjob_micrograph_uuid').on(t.micrographUuid)],
);

const pairs: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ['empty to one table', {}, { gridV1 }],
  ['add columns, an enum, a default and an index', { gridV1 }, { status, gridV2 }],
  ['the reverse: drop them again', { status, gridV2 }, { gridV1 }],
  ['add a child table with a cascading foreign key', { gridV1 }, { gridV1, square: square(gridV1) }],
  ['add enum values in the middle and at the end', { status, gridV2 }, { statusMore, gridV2 }],
  ['a new schema with an identity table', { gridV1 }, { gridV1, ops, job }],
  ['serial ids, a multi-column and a partial unique index', {}, { agentLog }],
  [
    'the SmartEM improvements: REGISTERED and a new indexed table',
    smartem,
    { ...smartem, gridsquarestatus: gridSquareStatusRegistered, processingJob },
  ],
  ['SmartEM from nothing', {}, smartem],
  ['SmartEM to nothing', smartem, {}],
];

describe('differential: our migrations against drizzle-kit renderings', () => {
  it.each(pairs)('%s', async (_name, a, b) => {
    const [dbA, dbB] = await Promise.all([createDatabase(), createDatabase()]);
    const [sa, sb] = await Promise.all([openServerSession(dbA.url), openServerSession(dbB.url)]);
    try {
      for (const statement of await modelDdl(a)) await sa.exec(statement);
      for (const statement of await modelDdl(b)) await sb.exec(statement);
      const script = renderScript(diffCatalogs(await introspect(sa), await introspect(sb)));
      await sa.exec('BEGIN');
      for (const statement of script.statements) await sa.exec(statement.sql);
      await sa.exec('COMMIT');
      const schemas = ['public', 'ops'];
      expect(await catalogFingerprint(dbA.url, schemas), script.sql).toEqual(
        await catalogFingerprint(dbB.url, schemas),
      );
    } finally {
      await Promise.all([sa.close(), sb.close()]);
      await Promise.all([dbA.drop(), dbB.drop()]);
    }
  });
});
