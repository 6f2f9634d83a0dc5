import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { doctor, migrate } from '../../src/api.js';
import type { Finding } from '../../src/doctor/finding.js';
import { query } from '../support/fresh-database.js';
import { writeMigrations } from '../support/migrations-dir.js';
import { startPrivateCluster, startStandbyPair } from '../support/private-cluster.js';

const of = (findings: Finding[], check: Finding['check']) => findings.filter((f) => f.check === check);

// Wraparound age, connections, slots and the cache are the server's, not one database's: each is
// made on a private cluster, never on the shared server.
describe('doctor on a server of its own', () => {
  let cluster: Awaited<ReturnType<typeof startPrivateCluster>>;
  // Written anew for each test: the test folders go after each one.
  const folder = () =>
    writeMigrations([{ name: 'schema', up: 'create table reading (id int primary key, note text);' }]);
  let migrationsFolder = '';
  beforeAll(async () => {
    cluster = await startPrivateCluster({
      settings: {
        max_connections: '12',
        shared_buffers: '128kB',
        autovacuum: 'off',
        max_wal_senders: '2',
      },
    });
    await migrate({ url: cluster.url, migrationsFolder: folder() });
  }, 60_000);
  afterAll(() => cluster?.stop());
  beforeEach(() => {
    migrationsFolder = folder();
  });

  it('warns about transaction ID age past the threshold, and not before', async () => {
    const [{ age }] = (await query<{ age: number }>(
      cluster.url,
      'select age(datfrozenxid)::int as age from pg_database where datname = current_database()',
    )) as [{ age: number }];
    const thresholds = { wraparoundWarnAge: age + 2_000 };
    const calm = await doctor({ url: cluster.url, migrationsFolder, drift: false, thresholds });
    expect(of(calm.findings, 'wraparound')).toEqual([expect.objectContaining({ severity: 'info' })]);

    // Each call its own transaction with its own ID.
    const sql = postgres(cluster.url, { max: 4, onnotice: () => {} });
    try {
      await Promise.all(Array.from({ length: 2_500 }, () => sql`select txid_current()`));
    } finally {
      await sql.end();
    }
    const old = await doctor({ url: cluster.url, migrationsFolder, drift: false, thresholds });
    const [wrap] = of(old.findings, 'wraparound');
    expect(wrap).toMatchObject({ severity: 'warn', message: expect.stringMatching(/is [\d,]+ transactions old/) });
    expect(wrap!.objects!.length).toBeGreaterThan(0);
    expect(wrap!.objects![0]).toMatch(/: [\d,]+ transactions old$/);
  });

  it('names a replication slot no consumer uses, with the WAL it keeps, and the connections in use against the limit', async () => {
    const slot = `smartem_doctor_${process.pid}`;
    await query(cluster.url, `select pg_create_physical_replication_slot('${slot}', true)`);
    // 12 connections less 3 for superusers: 9 usable. Each reserved connection is held open.
    const held = postgres(cluster.url, { max: 7, onnotice: () => {} });
    const reserved: Awaited<ReturnType<typeof held.reserve>>[] = [];
    const hold = async (n: number) => {
      for (let i = 0; i < n; i++) reserved.push(await held.reserve());
    };
    try {
      await hold(3);
      const report = await doctor({ url: cluster.url, migrationsFolder, drift: false });
      const [slots] = of(report.findings, 'replication');
      expect(slots).toMatchObject({
        severity: 'warn',
        message: expect.stringContaining('1 replication slot is not in use'),
      });
      expect(slots!.objects).toEqual([
        expect.stringMatching(new RegExp(`^${slot} \\(physical\\): keeps [\\d.]+ [kM]?B of WAL$`)),
      ]);
      expect(slots!.fix).toContain(`SELECT pg_drop_replication_slot('${slot}');`);
      // These 3 and the doctor's own (a connection that just closed may still be counted): well under 80%.
      expect(of(report.findings, 'connections')).toEqual([
        expect.objectContaining({ severity: 'info', message: expect.stringMatching(/^[45] of 9 connections in use/) }),
      ]);
      await hold(4);
      // 7 and the doctor's: 89% or more, a warning (an error from 95%).
      const crowded = await doctor({ url: cluster.url, migrationsFolder, drift: false });
      const [connections] = of(crowded.findings, 'connections');
      expect(['warn', 'error']).toContain(connections!.severity);
      expect(connections!.message).toMatch(/^[89] of 9 connections in use .*: new connections will soon be refused\.$/);
    } finally {
      for (const r of reserved) r.release();
      await held.end();
      await query(cluster.url, `select pg_drop_replication_slot('${slot}')`);
    }
    const after = await doctor({ url: cluster.url, migrationsFolder, drift: false });
    expect(of(after.findings, 'replication')).toEqual([expect.objectContaining({ severity: 'info' })]);
  });

  it('judges the cache hit ratio once asked to trust the statistics: a table larger than shared buffers, read again and again', async () => {
    await query(cluster.url, "insert into reading select i, repeat('x', 200) from generate_series(1, 40000) i");
    for (let i = 0; i < 3; i++) await query(cluster.url, 'select count(*) from reading');
    const young = await doctor({ url: cluster.url, migrationsFolder, drift: false });
    expect(of(young.findings, 'cache')).toEqual([
      expect.objectContaining({ severity: 'info', message: expect.stringContaining('too soon to judge') }),
    ]);
    const judged = await doctor({
      url: cluster.url,
      migrationsFolder,
      drift: false,
      thresholds: { statisticsMinHours: 0 },
    });
    expect(of(judged.findings, 'cache')).toEqual([
      expect.objectContaining({
        severity: 'warn',
        message: expect.stringMatching(/^\d+\.\d\d% of block reads came from shared buffers/),
      }),
    ]);
  });
});

describe('doctor with pg_stat_statements (and HypoPG where installed)', () => {
  let cluster: Awaited<ReturnType<typeof startPrivateCluster>>;
  const folder = () =>
    writeMigrations([{ name: 'schema', up: 'create table reading (id int primary key, grid varchar, note text);' }]);
  beforeAll(async () => {
    cluster = await startPrivateCluster({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
    await migrate({ url: cluster.url, migrationsFolder: folder() });
    await query(cluster.url, 'create extension pg_stat_statements');
    await query(
      cluster.url,
      "insert into reading select i, 'grid-' || (i % 500), 'x' from generate_series(1, 50000) i; analyze reading",
    );
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('suggests the index the slowest statement lacks, with its SQL and model edit, checked with HypoPG where it is there; none once it exists', async () => {
    const migrationsFolder = folder();
    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
    const hypopg =
      (
        await query<{ n: number }>(
          cluster.url,
          "select count(*)::int as n from pg_available_extensions where name = 'hypopg'",
        )
      )[0]!.n > 0;
    try {
      if (hypopg) await sql`create extension hypopg`;
      for (let i = 0; i < 20; i++) await sql`select id, note from reading where grid = ${`grid-${i}`}`;
      const report = await doctor({ url: cluster.url, migrationsFolder, drift: false });
      const [suggested] = report.findings.filter((f) => f.check === 'statements' && f.severity === 'warn');
      expect(suggested!.objects).toEqual([
        expect.stringMatching(
          /^public\.reading \(grid\): 50,000 rows scanned by select id, note from reading where grid = \$1 \(\d+ ms in 20 calls/,
        ),
      ]);
      expect(suggested!.fix).toBe('CREATE INDEX CONCURRENTLY "ix_reading_grid" ON "public"."reading" ("grid");');
      expect(suggested!.model).toContain("reading: index('ix_reading_grid').on(t.grid)");
      if (hypopg) {
        expect(suggested!.message).toContain('checked with HypoPG');
        expect(suggested!.objects![0]).toMatch(/; cost [\d,]+ -> [\d,]+\)$/);
      } else {
        expect(suggested!.message).toContain('install HypoPG');
      }

      await sql`create index ix_reading_grid on reading (grid)`;
      const after = await doctor({ url: cluster.url, migrationsFolder, drift: false });
      expect(after.findings.filter((f) => f.check === 'statements' && f.severity === 'warn')).toEqual([]);
    } finally {
      await sql.end();
    }
  });
});

describe('doctor on a primary with a standby', () => {
  let pair: Awaited<ReturnType<typeof startStandbyPair>>;
  const folder = () => writeMigrations([{ name: 'schema', up: 'create table reading (id int primary key);' }]);
  let migrationsFolder = '';
  beforeAll(async () => {
    pair = await startStandbyPair();
    await migrate({ url: pair.primary, migrationsFolder: folder() });
  }, 60_000);
  afterAll(() => pair?.stop());
  beforeEach(() => {
    migrationsFolder = folder();
  });

  it('lists the standby on the primary, and says on the standby how far behind it is', async () => {
    const primary = await doctor({ url: pair.primary, migrationsFolder, drift: false });
    expect(of(primary.findings, 'replication')).toEqual([
      expect.objectContaining({
        severity: 'info',
        message: expect.stringMatching(/^1 standby, none more than 60 s behind/),
      }),
    ]);
    // Any lag at all counts when the threshold is below zero: the standby is named with its state.
    const strict = await doctor({
      url: pair.primary,
      migrationsFolder,
      drift: false,
      thresholds: { replicationLagSeconds: -1 },
    });
    expect(of(strict.findings, 'replication')[0]!.objects).toEqual([
      expect.stringMatching(/\(streaming\): \d+ s behind$/),
    ]);
    const standby = await doctor({ url: pair.standby, migrationsFolder, drift: false });
    expect(of(standby.findings, 'replication')).toEqual([
      expect.objectContaining({
        severity: 'info',
        message: expect.stringMatching(/^This is a standby, \d+ s behind its primary\.$/),
      }),
    ]);
  });
});
