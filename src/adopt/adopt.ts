import type { Catalog } from '../catalog/catalog.js';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import { introspect } from '../catalog/introspect.js';
import { sqlStateOf, type DbSession } from '../db/session.js';
import { withTransaction } from '../db/transaction.js';
import { diffCatalogs } from '../diff/diff-catalogs.js';
import { SmartemDbError } from '../errors.js';
import type { Hazard } from '../hazards/hazard.js';
import { journalLabel, readJournal, stampJournal } from '../migrations/journal.js';
import { withLock, type RunnerContext } from '../migrations/runner.js';
import { renderScript, type RenderedScript } from '../render/render-script.js';
import { classifyScript } from '../lint/classify-script.js';
import { replayMigrations } from '../scratch/replay.js';
import { withScratchDatabases, type ScratchTarget } from '../scratch/scratch-databases.js';
import { alembicPosition, describePosition, type AlembicPosition } from './alembic-chain.js';

/** What adopt found and did. */
export interface AdoptReport {
  database: string;
  /**
   * `adopted`: identical to the baseline, now recorded as applied and alembic_version retired;
   * `caught-up`: the catch-up SQL ran (--apply), then the same; `differs`: not identical, nothing
   * changed (the catch-up SQL is here for review); `already-adopted` and `no-alembic`: nothing to do.
   */
  state: 'adopted' | 'caught-up' | 'differs' | 'already-adopted' | 'no-alembic';
  /** Where Alembic left the database, when it has an alembic_version. */
  alembic: AlembicPosition | null;
  /** smartem-db's baseline migration, which SmartEM's Alembic head corresponds to. */
  baseline: string;
  /** Each object that differs from the baseline's schema. */
  differences: string[];
  /** The SQL that takes the database to the baseline, with its hazards, when it differs. */
  catchUp: { sql: string; hazards: Hazard[] } | null;
  /** What it means and what to do next, in a sentence or two. */
  message: string;
}

interface AdoptInput {
  /** The live database, the migrations folder (its first migration is the baseline) and the journal. */
  ctx: RunnerContext;
  scratch: ScratchTarget;
  /** Run the catch-up SQL (proved on a scratch copy first) when the database differs. */
  apply?: boolean | undefined;
  /** Let the catch-up drop tables or columns (their rows are lost). */
  allowDataLoss?: boolean | undefined;
}

const ALEMBIC_TABLE = { schema: 'public', name: 'alembic_version' };

/**
 * Moves a database that SmartEM's Alembic chain built over to smartem-db. It compares the live
 * schema with the baseline's (the first migration, replayed on a scratch database): identical,
 * it records the baseline as applied and drops alembic_version in one transaction, so `check`
 * then finds nothing; not identical (an older revision, or drift), it names every difference and
 * renders the catch-up SQL, which `apply` runs after proving it on a scratch copy of the live
 * schema. Rows are never dropped unless `allowDataLoss`.
 */
export async function adoptFromAlembic(input: AdoptInput): Promise<AdoptReport> {
  const { session, folder, journal } = input.ctx;
  const baseline = folder.migrations[0];
  if (!baseline)
    throw new SmartemDbError('CONFIG_INVALID', `${folder.shown} has no migrations, so there is no baseline to adopt.`);
  const report = (
    state: AdoptReport['state'],
    alembic: AlembicPosition | null,
    message: string,
    extra: Partial<AdoptReport> = {},
  ) => ({
    database: session.label,
    state,
    alembic,
    baseline: baseline.id,
    differences: [],
    catchUp: null,
    message,
    ...extra,
  });

  const rows = (await readJournal(session, journal)) ?? [];
  const versions = await alembicVersions(session);
  if (rows.some((r) => r.id === baseline.id && r.status === 'applied')) {
    return report(
      'already-adopted',
      null,
      `${session.label} already records ${baseline.id} in ${journalLabel(journal)}; nothing to adopt.` +
        (versions ? ' Its alembic_version table is still there: drop it once no Alembic process needs it.' : ''),
    );
  }
  if (!versions) {
    return report(
      'no-alembic',
      null,
      `${session.label} has no alembic_version table: it was not built by Alembic. Nothing was changed. ` +
        'For a new database, run `smartem-db upgrade`; for one whose schema matches, `smartem-db stamp` its migration.',
    );
  }
  if (versions.length !== 1) {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      `alembic_version in ${session.label} holds ${versions.length} revisions (${versions.join(', ') || 'none'}): Alembic has ` +
        'branched heads there. Merge them with Alembic (alembic merge, then alembic upgrade head) and adopt again.',
    );
  }
  if (rows.length > 0) {
    throw new SmartemDbError(
      'JOURNAL_INVALID',
      `${journalLabel(journal)} in ${session.label} already records ${rows.map((r) => r.id).join(', ')}, but not the baseline ` +
        `${baseline.id}: adopt expects a database smartem-db has not migrated. Look at \`smartem-db status\` first.`,
    );
  }
  const alembic = alembicPosition(versions[0]!);
  const live = withoutAlembicTable(await introspect(session, { excludeSchemas: [journal.schema] }));
  const note = `adopted from Alembic revision ${alembic.revision} at ${new Date().toISOString()}`;

  return withScratchDatabases(input.scratch, input.apply ? 2 : 1, async ([replay, copy]) => {
    const want = await replayMigrations(replay!, folder, journal, baseline.id);
    const differences = catalogDifferences(live, want);
    if (differences.length === 0) {
      await retireAlembic(input.ctx, baseline, note, []);
      return report(
        'adopted',
        alembic,
        `${session.label} (${describePosition(alembic)}) has exactly the baseline's schema: ${baseline.id} is recorded as ` +
          'applied and alembic_version is gone. From now on: smartem-db upgrade, status and check.',
      );
    }
    const script = await classifyScript(renderScript(diffCatalogs(live, want)), { catalog: live });
    const catchUp = { sql: script.sql, hazards: script.hazards };
    if (!input.apply) {
      return report(
        'differs',
        alembic,
        `${session.label} (${describePosition(alembic)}) differs from the baseline ${baseline.id} in ${differences.length} ` +
          'object(s), listed with the SQL that catches it up. Nothing was changed. Review the SQL, then run adopt --apply ' +
          '(it is proved on a scratch copy of this schema first).',
        { differences, catchUp },
      );
    }
    const loss = script.hazards.filter((h) => h.kind === 'data-loss');
    if (loss.length > 0 && !input.allowDataLoss) {
      throw new SmartemDbError(
        'DATA_LOSS_REFUSED',
        `Catching ${session.label} up to the baseline would lose data:\n${loss.map((h) => `  - ${h.message}`).join('\n')}\n` +
          'Nothing was changed. Keep a backup, then pass --allow-data-loss if these rows may go.',
      );
    }
    if (!script.transactional) {
      throw new SmartemDbError(
        'INVALID_ARGUMENT',
        'The catch-up SQL cannot run in one transaction (it adds an enum value and uses it), so adopt will not run it: ' +
          'run it by hand (adopt prints it), then adopt again.',
      );
    }
    await proveCatchUp(copy!, live, want, script);
    await retireAlembic(
      input.ctx,
      baseline,
      note,
      script.statements.map((s) => s.sql),
    );
    return report(
      'caught-up',
      alembic,
      `${session.label} (${describePosition(alembic)}) was caught up to the baseline ${baseline.id} (${differences.length} ` +
        'object(s)), which is now recorded as applied, and alembic_version is gone.',
      { differences, catchUp },
    );
  });
}

/** The revisions in public.alembic_version, or undefined when there is no such table. */
async function alembicVersions(session: DbSession): Promise<string[] | undefined> {
  try {
    const rows = await session.query<{ version_num: string }>(
      'SELECT version_num FROM public.alembic_version ORDER BY 1',
    );
    return rows.map((r) => r.version_num);
  } catch (error) {
    if (sqlStateOf(error) === '42P01') return undefined;
    throw error;
  }
}

function withoutAlembicTable(catalog: Catalog): Catalog {
  return {
    ...catalog,
    tables: catalog.tables.filter((t) => !(t.schema === ALEMBIC_TABLE.schema && t.name === ALEMBIC_TABLE.name)),
  };
}

/**
 * Under the migration lock and in one transaction: the catch-up statements (if any), the
 * baseline recorded as applied (stamped, with where it came from), and alembic_version dropped.
 */
async function retireAlembic(
  ctx: RunnerContext,
  baseline: { id: string; checksum: string },
  note: string,
  statements: string[],
): Promise<void> {
  const { session, journal } = ctx;
  await withLock(ctx, () =>
    withTransaction(
      session,
      async () => {
        for (const sql of statements) await session.exec(sql);
        await stampJournal(session, journal, [baseline], note);
        await session.exec('DROP TABLE public.alembic_version');
      },
      `BEGIN; SET LOCAL lock_timeout = ${Math.trunc(ctx.lockTimeoutMs)}`,
    ),
  );
}

/**
 * On a scratch database: build a copy of the live schema (from its catalog), check it is faithful,
 * run the catch-up, and check the result is the baseline. Refuses, saying what differs, otherwise.
 */
async function proveCatchUp(session: DbSession, live: Catalog, want: Catalog, catchUp: RenderedScript): Promise<void> {
  // From what a new database already has (the public schema) to the live schema.
  const copy = renderScript(diffCatalogs(await introspect(session), live));
  const proof = (what: string, details: string[]) =>
    new SmartemDbError(
      'PROOF_FAILED',
      `The catch-up SQL was not proved (${what}); nothing was changed.\n${details.map((d) => `  - ${d}`).join('\n')}`,
    );
  try {
    for (const s of copy.statements) await session.exec(s.sql);
  } catch (error) {
    throw proof('the live schema could not be copied to a scratch database', [(error as Error).message]);
  }
  const copied = catalogDifferences(await introspect(session), live);
  if (copied.length) throw proof('the scratch copy of the live schema is not faithful', copied);
  try {
    await withTransaction(session, async () => {
      for (const s of catchUp.statements) await session.exec(s.sql);
    });
  } catch (error) {
    throw proof('it fails on a copy of the live schema', [(error as Error).message]);
  }
  const after = catalogDifferences(await introspect(session), want);
  if (after.length) throw proof('after it, the copy still differs from the baseline', after);
}
