// The API's verbs that look after a database: adopt from Alembic, rebase a branch's migrations, doctor,
// seed, inspect. Each loads its module on first use, so migrate() at startup never pays for them.
import { openSession, sessionTarget } from './db/open-session.js';
import { lockFolderWaiting } from './db/directory-lock.js';
import { resolve } from 'node:path';
import { readJournal } from './migrations/journal.js';
import { importOptional } from './optional-dependency.js';
import type { AdoptReport } from './adopt/adopt.js';
import type { RebaseReport } from './rebase/rebase.js';
import type { DoctorReport } from './doctor/doctor.js';
import type { SeedReport } from './seed/seed.js';
import { bundledSeedsFolder } from './config/package-root.js';
import { SmartemDbError } from './errors.js';
import { existsSync } from 'node:fs';
import {
  configOf,
  scratchTargetOf,
  type AdoptOptions,
  type DoctorOptions,
  type RebaseOptions,
  type SeedOptions,
  journalOf,
  migrationsFolderOf,
  type CommonOptions,
} from './options.js';
import type { Catalog } from './catalog/catalog.js';
import { withRunner } from './with-runner.js';

/**
 * Moves a database built by SmartEM's Alembic chain over to smartem-db: where Alembic left it, and
 * whether its schema is exactly the baseline's. Identical: the baseline is recorded as applied and
 * alembic_version dropped, in one transaction. Otherwise every difference is named with the SQL
 * that catches it up, which `apply: true` runs after proving it on a scratch copy (refusing data
 * loss unless `allowDataLoss`). Run twice, or on a database without alembic_version, it changes nothing.
 *
 * @example const report = await adopt({ url: process.env.DATABASE_URL }); console.log(report.message);
 */
export async function adopt(options: AdoptOptions = {}): Promise<AdoptReport> {
  const config = configOf(options);
  const { adoptFromAlembic } = await importOptional(
    () => import('./adopt/adopt.js'),
    ['libpg-query'],
    'smartem-db adopt',
  );
  return withRunner(options, (ctx) =>
    adoptFromAlembic({
      ctx,
      scratch: scratchTargetOf(options, config),
      apply: options.apply,
      allowDataLoss: options.allowDataLoss,
    }),
  );
}

/**
 * After merging a branch that also added migrations: numbers this branch's migrations after the
 * other's, rewrites their parents and the manifest, and proves each moved one on top of the new
 * history (Alembic's merge, kept linear). Refuses to move a migration the configured database has
 * applied.
 *
 * @example const { moved } = await rebase({ onto: 'origin/main' });
 */
export async function rebase(options: RebaseOptions = {}): Promise<RebaseReport> {
  const config = configOf(options);
  const { rebaseMigrations } = await import('./rebase/rebase.js');
  const folder = migrationsFolderOf(options, config);
  const release = await lockFolderWaiting(folder, `The migrations folder ${folder}`, {
    onWait: (m) => options.logger?.warn(m),
  });
  try {
    return await rebaseMigrations({
      folder,
      onto: options.onto,
      journal: journalOf(options),
      scratch: scratchTargetOf(options, config),
      logger: options.logger,
      appliedSomewhere: async (ids) => {
        let target;
        try {
          target = sessionTarget(options, () => config().database);
        } catch {
          return undefined; // no database configured: nothing to ask
        }
        if (target.kind === 'embedded' && !existsSync(target.dataDir)) return undefined;
        const session = await openSession(options, () => config().database);
        try {
          const rows = (await readJournal(session, journalOf(options))) ?? [];
          const hit = ids.filter((id) => rows.some((r) => r.id === id));
          return hit.length > 0 ? { database: session.label, ids: hit } : undefined;
        } finally {
          await session.close();
        }
      },
    });
  } finally {
    release();
  }
}

/**
 * The database's health, errors first, one finding per check and level with the objects it concerns,
 * what to do and, where the fix is a schema change, the model edit: indexes (invalid, redundant,
 * unused once the statistics are old enough), foreign keys without an index, sequences, vacuum and
 * analyze, estimated bloat, wraparound, the cache hit ratio, connections, replication and slots, what
 * would block a migration now, the timeouts, the journal and drift, the slowest statements; and the
 * tables by size. `ok` is false when any finding is an error; `thresholds` moves any limit.
 *
 * @example const { ok, findings } = await doctor({ url: process.env.DATABASE_URL });
 */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const config = configOf(options);
  const { runDoctor } = await import('./doctor/doctor.js');
  return withRunner(options, (ctx) =>
    runDoctor({
      ctx,
      scratch: options.drift === false ? undefined : scratchTargetOf(options, config),
      thresholds: options.thresholds,
    }),
  );
}

/**
 * Loads development data: the seed modules (reference data, typed against the Drizzle model,
 * idempotent) and, with `demo`, a realistic SmartEM session loaded with COPY (acquisitions, grids,
 * hundreds of gridsquares per grid, foil holes, micrographs, atlas and tiles, predictions),
 * deterministic for its seed. All in one transaction. Refused under NODE_ENV=production unless `force`.
 *
 * @example await seed({ url, demo: { scale: 42 } }); // about two million micrographs
 */
export async function seed(options: SeedOptions = {}): Promise<SeedReport> {
  const config = configOf(options);
  if (config().production && !options.force) {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      'NODE_ENV is production: smartem-db does not seed a production database. If this database really is for development, pass force (--force).',
    );
  }
  const { runSeeds } = await import('./seed/seed.js');
  const { demoShape } = await import('./seed/demo-session.js');
  const demo = options.demo
    ? { ...demoShape(options.demo.scale ?? 1, options.demo.seed ?? 1), ...options.demo.shape }
    : undefined;
  return withRunner(options, (ctx) =>
    runSeeds({
      session: ctx.session,
      seedsDir: options.seeds ? resolve(options.cwd ?? process.cwd(), options.seeds) : bundledSeedsFolder(),
      demo,
      logger: options.logger,
    }),
  );
}

/**
 * Reads the database's schema into smartem-db's model (nine catalog queries, however many
 * tables), leaving out the journal's schema. What `diff` and `generate` compare.
 *
 * @example const model = await inspect({ url: process.env.DATABASE_URL });
 */
export async function inspect(options: CommonOptions = {}): Promise<Catalog> {
  const config = configOf(options);
  const session = await openSession(options, () => config().database);
  try {
    const { introspect } = await import('./catalog/introspect.js');
    return await introspect(session, { excludeSchemas: [journalOf(options).schema] });
  } finally {
    await session.close();
  }
}
