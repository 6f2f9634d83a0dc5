import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bundledSchemaModule } from '../config/package-root.js';
import { sqlStateOf, type DbSession } from '../db/session.js';
import { withTransaction } from '../db/transaction.js';
import { importModule } from '../drizzle-model/load-schema.js';
import { validated } from '../files/validate-input.js';
import { SmartemDbError } from '../errors.js';
import type { Logger } from '../migrations/logger.js';
import { quoteQualified } from '../sql/quote.js';
import type { SeedContext, SeedModule } from './define-seed.js';
import { DEMO_METRIC, DEMO_MODEL, demoCounts, demoMarker, demoRows, type DemoShape } from './demo-session.js';
import { DEMO_TABLES } from './demo-tables.js';

interface SeedInput {
  session: DbSession;
  /** The folder of seed modules (default: the seeds bundled with smartem-db). */
  seedsDir: string;
  /** Also load a demo session of this shape. */
  demo?: DemoShape | undefined;
  logger?: Logger | undefined;
}

export interface DemoLoad {
  shape: DemoShape;
  /** False when this seed's demo was in the database already (nothing loaded again). */
  loaded: boolean;
  rows: Record<string, number>;
  total: number;
  seconds: number;
  rowsPerSecond: number;
}

export interface SeedReport {
  database: string;
  /** The seed modules that ran, by description. */
  modules: string[];
  demo: DemoLoad | null;
}

/**
 * Runs the seed modules and, if asked, loads a demo session, all in one transaction: either
 * everything is seeded or nothing. Seed modules are idempotent; the demo is recognised by its
 * first acquisition's id and not loaded twice. The demo goes in with COPY, table by table.
 */
export async function runSeeds(input: SeedInput): Promise<SeedReport> {
  const { session, logger } = input;
  const modules = await loadSeedModules(input.seedsDir);
  const db = await seedDatabase(session);
  let demo: DemoLoad | null = null;
  try {
    await withTransaction(session, async () => {
      for (const m of modules) {
        logger?.info(`Seeding ${m.description} ...`);
        await m.run({ db });
      }
      if (input.demo) demo = await loadDemo(session, input.demo, logger);
    });
  } catch (error) {
    // A table the seeds write is not there: the schema is behind, which upgrade mends.
    if (sqlStateOf(error) === UNDEFINED_TABLE) {
      throw new SmartemDbError(
        'NOT_AT_HEAD',
        `${session.label} lacks a table the seed writes (${(error as Error).message}); nothing was seeded. ` +
          'Run `smartem-db upgrade` (npm run db:migrate) first, then seed.',
        { cause: error },
      );
    }
    throw error;
  }
  // After a bulk load the planner has no statistics until autovacuum comes by: analyze now. The load's
  // row counts reach the statistics system only when this session next goes idle, and if they arrived
  // after the ANALYZE they would count as changed since it: flush them first (PostgreSQL 15 and later).
  const loaded = demo as DemoLoad | null;
  if (loaded?.loaded) {
    logger?.info('Analyzing the loaded tables ...');
    await session.exec('SELECT pg_stat_force_next_flush()').catch((error: unknown) => {
      if (sqlStateOf(error) !== UNDEFINED_FUNCTION) throw error;
    });
    const tables = Object.keys(loaded.rows).map((t) => quoteQualified('public', t));
    await session.exec(`ANALYZE ${tables.join(', ')}`);
  }
  return { database: session.label, modules: modules.map((m) => m.description), demo };
}

const UNDEFINED_TABLE = '42P01';
const UNDEFINED_FUNCTION = '42883';

async function loadSeedModules(dir: string): Promise<SeedModule[]> {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
  } catch (error) {
    const missing = ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
    throw new SmartemDbError(
      'CONFIG_INVALID',
      missing
        ? `The seeds folder ${dir} does not exist (--seeds names another).`
        : `Cannot read the seeds folder ${dir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const modules: SeedModule[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const loaded = (await importModule(path)) as { default?: unknown };
    const m = await validated(
      `The seed module ${path} (export default defineSeed('what it seeds', async ({ db }) => { ... }))`,
      loaded.default,
      (z) =>
        z.object(
          {
            description: z.string(),
            run: z.custom<SeedModule['run']>((v) => typeof v === 'function', { error: 'expected a function' }),
          },
          { error: 'expected a default export made by defineSeed' },
        ),
      'CONFIG_INVALID',
    );
    modules.push({ ...m, description: m.description || basename(file) });
  }
  return modules;
}

/** Drizzle over the seed's session (drizzle-orm's pg-proxy driver), typed and shaped by the SmartEM model. */
async function seedDatabase(session: DbSession): Promise<SeedContext['db']> {
  const { drizzle } = await import('drizzle-orm/pg-proxy');
  const schema = await importModule(bundledSchemaModule());
  const db = drizzle(
    async (sql, params, method) => ({
      rows: method === 'all' ? await session.values(sql, params) : await session.query(sql, params),
    }),
    { schema },
  );
  return db as unknown as SeedContext['db'];
}

async function loadDemo(session: DbSession, shape: DemoShape, logger: Logger | undefined): Promise<DemoLoad> {
  const [there] = await session.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM public.acquisition WHERE uuid = $1) AS found',
    [demoMarker(shape.seed)],
  );
  if (there?.found) {
    logger?.info(`The demo session of seed ${shape.seed} is there already; not loaded again.`);
    return { shape, loaded: false, rows: {}, total: 0, seconds: 0, rowsPerSecond: 0 };
  }
  // What the demo predicts with: present whether or not the reference seed ran.
  await session.query(
    `INSERT INTO public.qualitypredictionmodel (name, description, level) VALUES ($1, 'Demo predictions', 'FOILHOLE') ON CONFLICT DO NOTHING`,
    [DEMO_MODEL],
  );
  await session.query(
    `INSERT INTO public.qualitymetric (name, description) VALUES ($1, 'Demo metric') ON CONFLICT DO NOTHING`,
    [DEMO_METRIC],
  );

  // Foreign keys checked row by row are most of a bulk load's cost. A superuser (a developer's
  // own database) loads with the row triggers off, and the keys are checked afterwards in one
  // pass per key; without the privilege the load checks row by row, only slower.
  const fast = await session
    .exec('SAVEPOINT smartem_demo; SET LOCAL session_replication_role = replica; RELEASE SAVEPOINT smartem_demo')
    .then(
      () => true,
      async () => {
        await session.exec('ROLLBACK TO SAVEPOINT smartem_demo');
        return false;
      },
    );
  const expected = demoCounts(shape);
  const started = performance.now();
  const rows: Record<string, number> = {};
  let done = 0;
  let lastBeat = 0;
  const batches = demoRows(shape)[Symbol.iterator]();
  let next = batches.next();
  while (!next.done) {
    const table = next.value.table;
    const columns = DEMO_TABLES.find((t) => t.table === table)!.columns;
    // One COPY per table: its batches stream in until the generator moves on to the next table.
    const chunks = function* () {
      while (!next.done && next.value.table === table) {
        const lines = next.value.lines;
        done += (lines.match(/\n/g) ?? []).length;
        const now = performance.now();
        if (now - lastBeat > 250) {
          lastBeat = now;
          logger?.heartbeat?.(progress(done, expected, (now - started) / 1000));
        }
        yield lines;
        next = batches.next();
      }
    };
    rows[table] = await session.copyIn(quoteQualified('public', table), columns, chunks());
  }
  if (fast) {
    await session.exec('SET LOCAL session_replication_role = origin');
    await checkForeignKeys(session, Object.keys(rows));
  }
  const seconds = (performance.now() - started) / 1000;
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  return { shape, loaded: true, rows, total, seconds, rowsPerSecond: Math.round(total / Math.max(seconds, 0.001)) };
}

/**
 * Every foreign key of the loaded tables holds: one anti-join per key (what pg_restore's
 * ADD CONSTRAINT would check), instead of a trigger per row.
 */
async function checkForeignKeys(session: DbSession, tables: readonly string[]): Promise<void> {
  const keys = await session.query<{ check: string; name: string }>(
    `SELECT format('SELECT count(*)::int AS broken FROM %s c WHERE (%s) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %s p WHERE (%s) = (%s))',
                   k.conrelid::regclass, c.cols, k.confrelid::regclass, p.refs, c.qualified) AS check, k.conname AS name
       FROM pg_constraint k
       CROSS JOIN LATERAL (SELECT string_agg(format('c.%I', a.attname), ', ' ORDER BY u.ord) AS cols,
                                  string_agg(format('c.%I', a.attname), ', ' ORDER BY u.ord) AS qualified
                             FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
                             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum) c
       CROSS JOIN LATERAL (SELECT string_agg(format('p.%I', a.attname), ', ' ORDER BY u.ord) AS refs
                             FROM unnest(k.confkey) WITH ORDINALITY u(attnum, ord)
                             JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum) p
      WHERE k.contype = 'f' AND k.conrelid::regclass::text = ANY (SELECT 'public.' || quote_ident(t) FROM jsonb_array_elements_text($1::text::jsonb) t
                                                                   UNION SELECT quote_ident(t) FROM jsonb_array_elements_text($1::text::jsonb) t)`,
    [JSON.stringify(tables)],
  );
  for (const key of keys) {
    const [row] = await session.query<{ broken: number }>(key.check);
    if (row && row.broken > 0) {
      throw new SmartemDbError(
        'UNEXPECTED',
        `The demo's rows break foreign key ${key.name} (${row.broken} rows); nothing was loaded.`,
      );
    }
  }
}

function progress(done: number, expected: number, seconds: number): string {
  const rate = done / Math.max(seconds, 0.001);
  const share = Math.min(1, done / Math.max(expected, 1));
  const width = 24;
  const bar = `${'#'.repeat(Math.round(share * width))}${'.'.repeat(width - Math.round(share * width))}`;
  const left = rate > 0 ? Math.max(0, (expected - done) / rate) : 0;
  return `Seeding the demo [${bar}] ${done.toLocaleString('en')} of ~${expected.toLocaleString('en')} rows, ${Math.round(rate).toLocaleString('en')} rows/s, ~${Math.ceil(left)} s left`;
}
