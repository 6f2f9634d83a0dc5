import { catalogDifferences } from '../catalog/catalog-differences.js';
import { introspect } from '../catalog/introspect.js';
import { appliedIds, readJournal } from '../migrations/journal.js';
import type { RunnerContext } from '../migrations/runner.js';
import { readStatus } from '../migrations/status.js';
import { replayMigrations } from '../scratch/replay.js';
import { withScratchDatabases, type ScratchTarget } from '../scratch/scratch-databases.js';
import { finding, type Finding } from './finding.js';
import { indexFindings } from './index-health.js';
import { sequenceFindings } from './sequence-health.js';
import { DEFAULT_THRESHOLDS, sessionFindings, type SessionThresholds } from './session-health.js';
import { statementFindings } from './statement-stats.js';
import { sizeFindings, tableSizes, type TableSize } from './table-sizes.js';

export interface DoctorReport {
  database: string;
  /** False when any finding is an error. */
  ok: boolean;
  /** Every table, largest first. */
  sizes: TableSize[];
  findings: Finding[];
}

export interface DoctorInput {
  ctx: RunnerContext;
  /** Where to replay the applied migrations to look for drift; without one, drift is not checked. */
  scratch?: ScratchTarget | undefined;
  thresholds?: SessionThresholds | undefined;
}

/**
 * The database's health in one report, a finding per line with what to do: sizes, indexes (unused,
 * redundant, invalid, missing behind foreign keys), sequences near their end, what would block a
 * migration now, the timeouts, the journal and drift from the applied migrations, and the slowest
 * statements. Only reads (drift is looked for on a scratch database).
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const { session, journal } = input.ctx;
  const exclude = [journal.schema];
  // The doctor looks; it must not queue behind a session that holds a table (which it reports).
  await session.exec("SET lock_timeout = '500ms'");
  try {
    const { sizes, exact } = await tableSizes(session, exclude);
    const groups = await Promise.all([
      indexFindings(session, exclude),
      sequenceFindings(session, exclude),
      sessionFindings(session, input.thresholds ?? DEFAULT_THRESHOLDS),
      migrationFindings(input),
      statementFindings(session),
    ]);
    const findings = [...sizeFindings(sizes, exact), ...groups.flat()];
    return { database: session.label, ok: findings.every((f) => f.severity !== 'error'), sizes, findings };
  } finally {
    await session.exec('RESET lock_timeout').catch(() => {});
  }
}

async function migrationFindings(input: DoctorInput): Promise<Finding[]> {
  const { session, folder, journal } = input.ctx;
  const status = await readStatus(session, folder, journal);
  const findings: Finding[] = status.problems
    .filter((p) => !p.startsWith('index '))
    .map((p) => finding('error', 'migrations', p));
  if (status.pending > 0) {
    findings.push(
      finding(
        'warn',
        'migrations',
        `${status.pending} migration(s) pending (head ${status.head ?? 'base'}, latest ${status.latest}).`,
        'smartem-db upgrade --backup',
      ),
    );
  }
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
    for (const d of drift)
      findings.push(
        finding(
          'error',
          'drift',
          `differs from what its applied migrations produce: ${d}`,
          'Put the change in a migration (smartem-db generate), or undo it by hand.',
        ),
      );
  } catch (error) {
    findings.push(finding('warn', 'drift', `drift was not checked: ${(error as Error).message}`));
  }
  return findings;
}
