import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { doctor, migrate, seed } from '../../src/api.js';
import { ROOT } from '../support/spawn.js';
import type { Finding } from '../../src/doctor/finding.js';
import { query, serverUrl, useFreshDatabase } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';

const db = useFreshDatabase();

const schema = `
create table grid (uuid varchar primary key, name varchar);
create table gridsquare (uuid varchar primary key, grid_uuid varchar references grid (uuid), n serial, status varchar);
create index ix_gridsquare_status on gridsquare (status);
create index ix_gridsquare_status_again on gridsquare (status);
create index ix_gridsquare_status_n on gridsquare (status, n);
create table agentsession (id integer primary key default nextval('agentsession_id_seq'), session_id varchar);
`;

const about = (findings: Finding[], check: Finding['check'], text: string) =>
  findings.filter((f) => f.check === check && f.message.includes(text));

describe('doctor', () => {
  it('names each problem a database was made to show, with its fix, and is not ok when one is an error', async () => {
    const migrationsFolder = writeMigrations([
      { name: 'schema', up: `create sequence agentsession_id_seq as bigint;${schema}` },
    ]);
    await migrate({ url: db.url, migrationsFolder });
    await query(
      db.url,
      "insert into grid select 'g' || i, 'x' from generate_series(1, 3) i; insert into gridsquare (uuid, status) values ('a', 's'), ('b', 's')",
    );
    // An integer id fed by a bigint sequence, 95% of the way to 2^31.
    await query(db.url, "select setval('agentsession_id_seq', 2040109465)");
    // A concurrent unique build that fails leaves an INVALID index.
    await query(db.url, 'create unique index concurrently ix_gridsquare_status_unique on gridsquare (status)').catch(
      () => {},
    );
    // An index added by hand: drift from what the migrations produce.
    await query(db.url, 'create index ix_grid_name on grid (name)');

    // A session holds a lock in an open transaction, and another waits for it.
    const holder = postgres(db.url, { max: 1, onnotice: () => {}, connection: { application_name: 'holder' } });
    const waiter = postgres(db.url, { max: 1, onnotice: () => {}, connection: { application_name: 'waiter' } });
    const held = await holder.reserve();
    let waiting: Promise<unknown> | undefined;
    try {
      await held`begin`;
      await held`lock table grid in access exclusive mode`;
      waiting = waiter`select count(*) from grid`.catch(() => {});
      for (let i = 0; i < 100; i++) {
        const [w] = await query<{ n: number }>(
          db.url,
          "select count(*)::int as n from pg_stat_activity where application_name = 'waiter' and wait_event_type = 'Lock' and datname = current_database()",
        );
        if (w!.n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const report = await doctor({
        url: db.url,
        migrationsFolder,
        shadowDatabaseUrl: serverUrl(),
        thresholds: { longRunningSeconds: 0, idleInTransactionSeconds: 0 },
      });
      const f = report.findings;
      expect(report.ok).toBe(false);
      expect(report.sizes.map((t) => t.name)).toEqual(expect.arrayContaining(['grid', 'gridsquare', 'agentsession']));
      expect(report.sizes.find((t) => t.name === 'grid')!.totalBytes).toBeGreaterThan(0);

      expect(about(f, 'foreign-keys', 'gridsquare.gridsquare_grid_uuid_fkey (grid_uuid) has no index')).toEqual([
        expect.objectContaining({
          severity: 'warn',
          fix: 'CREATE INDEX CONCURRENTLY "ix_gridsquare_grid_uuid" ON "public"."gridsquare" ("grid_uuid");',
        }),
      ]);
      expect(about(f, 'indexes', 'ix_gridsquare_status duplicates public.ix_gridsquare_status_again')).toHaveLength(1);
      expect(about(f, 'indexes', 'is made redundant by public.ix_gridsquare_status_n')).toHaveLength(2);
      expect(
        about(f, 'indexes', 'ix_gridsquare_status_n on public.gridsquare (8.0 kB) has not been used'),
      ).toHaveLength(1);
      expect(about(f, 'indexes', 'index public.ix_gridsquare_status_unique on public.gridsquare is INVALID')).toEqual([
        expect.objectContaining({ severity: 'error' }),
      ]);
      expect(
        about(f, 'sequences', 'agentsession_id_seq (feeding public.agentsession.id, integer) has used 95.0%'),
      ).toEqual([expect.objectContaining({ severity: 'error' })]);
      expect(about(f, 'sessions', 'pid')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            message: expect.stringMatching(
              /"waiter" has waited \d+ s for a lock held by pid \d+ "holder" \(idle in transaction/,
            ),
          }),
        ]),
      );
      expect(about(f, 'settings', 'lock_timeout = 0 (none)')).toHaveLength(1);
      expect(about(f, 'statements', 'pg_stat_statements')).toHaveLength(1);
      // It looked without waiting behind the lock: sizes from the catalog, drift left for later.
      expect(about(f, 'sizes', 'estimated from the catalog, since a table is locked')).toHaveLength(1);
      expect(about(f, 'drift', 'drift was not checked')).toHaveLength(1);
    } finally {
      await held`rollback`.catch(() => {});
      held.release();
      await waiting;
      await holder.end();
      await waiter.end();
    }
    // With the lock gone, the index added by hand shows as drift from the migrations.
    const after = await doctor({ url: db.url, migrationsFolder, shadowDatabaseUrl: serverUrl() });
    expect(about(after.findings, 'drift', 'ix_grid_name')).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(about(after.findings, 'sizes', 'estimated')).toEqual([]);
  });

  it('is ok on a healthy database: nothing above info', async () => {
    const migrationsFolder = writeMigrations([{ name: 'schema', up: 'create table grid (uuid varchar primary key);' }]);
    await migrate({ url: db.url, migrationsFolder });
    const report = await doctor({ url: db.url, migrationsFolder, shadowDatabaseUrl: serverUrl() });
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("on a seeded SmartEM session: the hierarchy's sizes, largest first, and the foreign keys SmartEM leaves without an index", async () => {
    const migrationsFolder = join(ROOT, 'drizzle');
    // At the baseline: SmartEM's own schema, before 002 indexed its foreign keys.
    await migrate({ url: db.url, migrationsFolder, to: '001' });
    await seed({
      url: db.url,
      migrationsFolder,
      demo: {
        seed: 5,
        shape: { grids: 1, gridsquaresPerGrid: 40, foilholesPerGridsquare: 30, micrographsPerFoilhole: 5 },
      },
    });
    await query(db.url, 'analyze');
    const report = await doctor({ url: db.url, migrationsFolder, drift: false });
    const order = report.sizes.map((t) => t.name);
    expect(order[0]).toBe('micrograph');
    expect(order.indexOf('foilhole')).toBeLessThan(order.indexOf('gridsquare'));
    expect(report.sizes[0]!.rows).toBeGreaterThan(3000);
    expect(
      about(report.findings, 'foreign-keys', 'micrograph.micrograph_foilhole_uuid_fkey (foilhole_uuid) has no index'),
    ).toEqual([
      expect.objectContaining({
        fix: 'CREATE INDEX CONCURRENTLY "ix_micrograph_foilhole_uuid" ON "public"."micrograph" ("foilhole_uuid");',
      }),
    ]);
  });
});
