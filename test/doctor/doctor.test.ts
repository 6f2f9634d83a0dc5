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

/** The findings of a check whose message, or one of whose objects, says `text`. */
/**
 * Above information, leaving out connections: they are the shared test server's (every test file
 * running beside this one counts), not this database's; server-health.test.ts tests them alone.
 */
const aboveInfo = (findings: Finding[]) => findings.filter((f) => f.severity !== 'info' && f.check !== 'connections');

const about = (findings: Finding[], check: Finding['check'], text: string) =>
  findings.filter((f) => f.check === check && [f.message, ...(f.objects ?? [])].some((t) => t.includes(text)));

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
        // Judged as on a large, long-running database: these tables hold a few rows, for a minute.
        thresholds: {
          longRunningSeconds: 0,
          idleInTransactionSeconds: 0,
          statisticsMinHours: 0,
          smallTableRows: 0,
          lookupTableRows: 0,
        },
      });
      const f = report.findings;
      expect(report.ok).toBe(false);
      expect(report.summary.errors).toBeGreaterThan(0);
      expect(report.sizes.map((t) => t.name)).toEqual(expect.arrayContaining(['grid', 'gridsquare', 'agentsession']));
      expect(report.sizes.find((t) => t.name === 'grid')!.totalBytes).toBeGreaterThan(0);

      expect(about(f, 'foreign-keys', 'public.gridsquare (grid_uuid) -> public.grid')).toEqual([
        expect.objectContaining({
          severity: 'warn',
          fix: 'CREATE INDEX CONCURRENTLY "ix_gridsquare_grid_uuid" ON "public"."gridsquare" ("grid_uuid");',
          model: expect.stringContaining("gridsquare: index('ix_gridsquare_grid_uuid').on(t.gridUuid)"),
        }),
      ]);
      const redundant = about(f, 'indexes', 'duplicated or made redundant');
      expect(redundant).toHaveLength(1);
      expect(redundant[0]!.objects).toEqual([
        'public.ix_gridsquare_status on public.gridsquare: duplicates public.ix_gridsquare_status_again',
        'public.ix_gridsquare_status_again on public.gridsquare: covered by public.ix_gridsquare_status_n',
      ]);
      expect(redundant[0]!.model).toContain(
        "Remove index('ix_gridsquare_status'), index('ix_gridsquare_status_again')",
      );
      expect(about(f, 'indexes', 'public.ix_gridsquare_status_n on public.gridsquare (8.0 kB)')).toEqual([
        expect.objectContaining({ severity: 'info', message: expect.stringContaining('have not been used') }),
      ]);
      expect(about(f, 'indexes', 'public.ix_gridsquare_status_unique on public.gridsquare')).toEqual([
        expect.objectContaining({ severity: 'error', message: expect.stringContaining('INVALID') }),
      ]);
      expect(about(f, 'sequences', 'agentsession_id_seq (feeding public.agentsession.id, integer): 95.0%')).toEqual([
        expect.objectContaining({ severity: 'error' }),
      ]);
      const waits = about(f, 'sessions', 'for a lock');
      expect(waits).toHaveLength(1);
      expect(waits[0]!.objects).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/"waiter" has waited \d+ s for a lock held by pid \d+ "holder" \(idle in transaction/),
        ]),
      );
      expect(about(f, 'settings', 'lock_timeout = 0 (none')).toHaveLength(1);
      expect(about(f, 'statements', 'pg_stat_statements')).toHaveLength(1);
      // Ranked: every error before every warning, every warning before any information.
      const ranks = f.map((x) => ({ error: 0, warn: 1, info: 2 })[x.severity]);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      // Grouped: one finding per check and level (sessions and vacuum have one per kind of trouble).
      const keys = f
        .filter((x) => x.check !== 'sessions' && x.check !== 'vacuum')
        .map((x) => `${x.check} ${x.severity}`);
      expect(new Set(keys).size).toBe(keys.length);
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
    expect(aboveInfo(report.findings)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('on a seeded SmartEM session: at the baseline, the foreign keys SmartEM leaves without an index, with the model edit; at head, nothing above information', async () => {
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
    const thresholds = { smallTableRows: 1_000, lookupTableRows: 100 };
    const before = await doctor({ url: db.url, migrationsFolder, drift: false, thresholds });
    const order = before.sizes.map((t) => t.name);
    expect(order[0]).toBe('micrograph');
    expect(order.indexOf('foilhole')).toBeLessThan(order.indexOf('gridsquare'));
    expect(before.sizes[0]!.rows).toBeGreaterThan(3000);
    const bare = before.findings.filter((f) => f.check === 'foreign-keys' && f.severity === 'warn');
    expect(bare).toHaveLength(1);
    expect(bare[0]!.objects).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^public\.micrograph \(foilhole_uuid\) -> public\.foilhole: [\d,]+ rows scanned/),
      ]),
    );
    expect(bare[0]!.fix).toContain(
      'CREATE INDEX CONCURRENTLY "ix_micrograph_foilhole_uuid" ON "public"."micrograph" ("foilhole_uuid");',
    );
    expect(bare[0]!.model).toContain("micrograph: index('ix_micrograph_foilhole_uuid').on(t.foilholeUuid)");
    // The pending migration is the fix.
    expect(before.findings.filter((f) => f.check === 'migrations')).toEqual([
      expect.objectContaining({ severity: 'warn', message: expect.stringContaining('1 migration(s) pending') }),
    ]);

    await migrate({ url: db.url, migrationsFolder });
    const after = await doctor({ url: db.url, migrationsFolder, drift: false, thresholds });
    expect(aboveInfo(after.findings)).toEqual([]);
    expect(after.summary.warnings).toBe(after.findings.filter((f) => f.severity === 'warn').length);
    expect(after.summary.errors).toBe(0);
    expect(after.ok).toBe(true);
  });
});
