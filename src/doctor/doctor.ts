import { tidyUp } from '../db/session.js';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import { introspect } from '../catalog/introspect.js';
import { appliedIds, readJournal } from '../migrations/journal.js';
import type { RunnerContext } from '../migrations/runner.js';
import { readStatus, type StatusReport } from '../migrations/status.js';
import { replayMigrations } from '../scratch/replay.js';
import { withScratchDatabases, type ScratchTarget } from '../scratch/scratch-databases.js';
import { bloatFindings, DEFAULT_BLOAT, type BloatThresholds } from './bloat.js';
import { finding, rankFindings, type Finding } from './finding.js';
import {
  foreignKeyFindings,
  readForeignKeys,
  coversForeignKey,
  type ForeignKeyThresholds,
} from './foreign-key-indexes.js';
import { indexFindings, readIndexes } from './index-health.js';
import { DEFAULT_MAINTENANCE, vacuumFindings, wraparoundFindings, type MaintenanceThresholds } from './maintenance.js';
import { sequenceFindings } from './sequence-health.js';
import {
  cacheFindings,
  connectionFindings,
  DEFAULT_SERVER,
  replicationFindings,
  type ServerThresholds,
} from './server-health.js';
import { DEFAULT_THRESHOLDS as DEFAULT_SESSIONS, sessionFindings, type SessionThresholds } from './session-health.js';
import { indexSuggestions } from './index-suggestions.js';
import { readStatements, statementFindings } from './statement-stats.js';
import { statisticsFinding, statisticsWindow, type StatisticsWindow } from './statistics-window.js';
import { tableSizes, type TableSize } from '../catalog/table-sizes.js';
import { sizeFindings } from './size-findings.js';

/** When the doctor calls something a problem; every figure has a default a DBA would choose. */
export interface DoctorThresholds
  extends SessionThresholds, MaintenanceThresholds, ServerThresholds, BloatThresholds, ForeignKeyThresholds {
  /** How long usage statistics must have counted before unused indexes and the cache hit ratio are judged. */
  statisticsMinHours: number;
}

const DEFAULT_DOCTOR_THRESHOLDS: DoctorThresholds = {
  ...DEFAULT_SESSIONS,
  ...DEFAULT_MAINTENANCE,
  ...DEFAULT_SERVER,
  ...DEFAULT_BLOAT,
  smallTableRows: 10_000,
  lookupTableRows: 1_000,
  statisticsMinHours: 7 * 24,
};

export interface DoctorReport {
  database: string;
  /** False when any finding is an error. */
  ok: boolean;
  /** How many findings of each severity: what a person reads first. */
  summary: { errors: number; warnings: number; info: number };
  /** How long the usage statistics have counted, which decides what can be judged from them. */
  statistics: { since: string | null; hours: number | null; enough: boolean };
  /** Every table, largest first. */
  sizes: TableSize[];
  /** Errors first, then warnings, then information; one finding per check and level, listing its objects. */
  findings: Finding[];
}

interface DoctorInput {
  ctx: RunnerContext;
  /** Where to replay the applied migrations to look for drift; without one, drift is not checked. */
  scratch?: ScratchTarget | undefined;
  thresholds?: Partial<DoctorThresholds> | undefined;
}

/**
 * The database's health in one report, errors first, each finding with what to do and, where the fix
 * is a schema change, the model edit: sizes; indexes (invalid, redundant, unused once the statistics
 * are old enough) and foreign keys without one; sequences near their end; vacuum, analyze, dead rows
 * and estimated bloat; transaction ID wraparound; the cache hit ratio; connections; replication lag
 * and unused slots; what would block a migration now; the timeouts; the journal and drift; and the
 * slowest statements. Only reads (drift is looked for on a scratch database).
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const { session, journal } = input.ctx;
  const thresholds = { ...DEFAULT_DOCTOR_THRESHOLDS, ...input.thresholds };
  const exclude = [journal.schema];
  // The doctor looks; it must not queue behind a session that holds a table (which it reports).
  await session.exec("SET lock_timeout = '500ms'");
  try {
    const { sizes, exact } = await tableSizes(session, exclude);
    const [window, indexes, foreignKeys, statements] = await Promise.all([
      statisticsWindow(session, journal, thresholds.statisticsMinHours),
      readIndexes(session, exclude),
      readForeignKeys(session, exclude),
      readStatements(session),
    ]);
    const rows = new Map(sizes.map((t) => [`${t.schema}.${t.name}`, t.rows]));
    const rowsOf = (schema: string, table: string) => rows.get(`${schema}.${table}`) ?? 0;
    // First and alone: planning the slowest statements sets plan_cache_mode on the session the checks below share.
    const suggestions =
      'rows' in statements
        ? await indexSuggestions(session, statements.rows, indexes, rowsOf, thresholds.smallTableRows)
        : [];
    const groups = await Promise.all([
      indexFindings(session, exclude, indexes, (i) => foreignKeys.some((fk) => coversForeignKey(i, fk)), window),
      foreignKeyFindings(foreignKeys, indexes, rowsOf, thresholds),
      sequenceFindings(session, exclude),
      vacuumFindings(session, exclude, thresholds),
      bloatFindings(session, exclude, thresholds),
      wraparoundFindings(session, thresholds),
      cacheFindings(session, thresholds, window),
      connectionFindings(session, thresholds),
      replicationFindings(session, thresholds),
      sessionFindings(session, thresholds),
      migrationFindings(input),
      statementFindings(statements),
    ]);
    const findings = rankFindings([
      ...sizeFindings(sizes, exact),
      statisticsFinding(window, thresholds.statisticsMinHours),
      ...groups.flat(),
      ...suggestions,
    ]);
    const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
    return {
      database: session.label,
      ok: count('error') === 0,
      summary: { errors: count('error'), warnings: count('warn'), info: count('info') },
      statistics: statisticsOf(window),
      sizes,
      findings,
    };
  } finally {
    await tidyUp(session, 'RESET lock_timeout');
  }
}

const statisticsOf = (w: StatisticsWindow): DoctorReport['statistics'] => ({
  since: w.since?.toISOString() ?? null,
  hours: w.hours,
  enough: w.enough,
});

/**
 * Expands whose contract waits: both columns and the trigger that keeps them equal cost every
 * write to the table until the contract runs; a week after the expand that is worth a warning.
 */
function contractFindings(status: StatusReport, now = Date.now()): Finding[] {
  const week = 7 * 24 * 3_600_000;
  const waiting = status.waitingForContract.map((w) => {
    const at = status.migrations.find((m) => m.id === w.expand)?.appliedAt;
    return { ...w, at, old: at !== undefined && now - at.getTime() > week };
  });
  const said = (ws: typeof waiting) =>
    ws.map((w) => `${w.contract} (the contract of ${w.expand}, applied ${w.at?.toISOString().slice(0, 10) ?? '?'})`);
  const fix =
    'Once no instance of the previous version of the application runs: smartem-db upgrade --contract. Until then every write to the table runs the trigger that keeps the old and the new column equal.';
  return [
    ...(waiting.some((w) => w.old)
      ? [
          finding('warn', 'migrations', 'Contracts waiting for over a week:', fix, {
            objects: said(waiting.filter((w) => w.old)),
          }),
        ]
      : []),
    ...(waiting.some((w) => !w.old)
      ? [
          finding('info', 'migrations', 'Contracts waiting for the rollout:', fix, {
            objects: said(waiting.filter((w) => !w.old)),
          }),
        ]
      : []),
  ];
}

async function migrationFindings(input: DoctorInput): Promise<Finding[]> {
  const { session, folder, journal } = input.ctx;
  const status = await readStatus(session, folder, journal);
  const problems = status.problems.filter((p) => !p.startsWith('index '));
  const findings: Finding[] = problems.length
    ? [
        finding(
          'error',
          'migrations',
          `The journal and the migrations folder disagree (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
          'smartem-db status says what to do about each.',
          { objects: problems },
        ),
      ]
    : [];
  if (status.due > 0) {
    findings.push(
      finding(
        'warn',
        'migrations',
        `${status.due} migration(s) pending (head ${status.head ?? 'base'}, latest ${status.latest}).`,
        'smartem-db upgrade --backup',
      ),
    );
  }
  findings.push(...contractFindings(status));
  if (status.runningNow) findings.push(finding('info', 'migrations', status.runningNow));
  if (findings.length === 0)
    findings.push(
      finding(
        'info',
        'migrations',
        `At ${status.head ?? 'base'}, the latest migration; the journal matches the folder.`,
      ),
    );
  if (!input.scratch || findings.some((f) => f.severity === 'error')) return findings;
  try {
    const rows = (await readJournal(session, journal)) ?? [];
    const applied = appliedIds(rows);
    const head = folder.migrations.filter((m) => applied.has(m.id)).at(-1)?.id ?? 'base';
    const expected = await withScratchDatabases(input.scratch, 1, ([scratch]) =>
      replayMigrations(scratch!, folder, journal, head),
    );
    const drift = catalogDifferences(await introspect(session, { excludeSchemas: [journal.schema] }), expected);
    if (drift.length)
      findings.push(
        finding(
          'error',
          'drift',
          `The database differs from what its applied migrations produce, in ${drift.length} object${drift.length === 1 ? '' : 's'}:`,
          'Undo the change by hand, or put it in a migration: edit the model, npm run db:generate.',
          { objects: drift },
        ),
      );
  } catch (error) {
    findings.push(finding('warn', 'drift', `drift was not checked: ${(error as Error).message}`));
  }
  return findings;
}
