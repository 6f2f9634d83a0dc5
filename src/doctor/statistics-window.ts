import type { DbSession } from '../db/session.js';
import { readJournal, type JournalRef } from '../migrations/journal.js';
import { finding, type Finding } from './finding.js';

/** How long the database's usage statistics have been counting, as far as can be known. */
export interface StatisticsWindow {
  /** When counting began: the last statistics reset, or the first migration if that is later. */
  since: Date | null;
  hours: number | null;
  /** Whether the window is long enough to judge advice that rests on usage (unused indexes). */
  enough: boolean;
}

/**
 * The statistics' window: from `pg_stat_database.stats_reset`, or from the first migration the
 * journal records if that is later (an index cannot have been used before it existed). With
 * neither, its age is unknown and advice that rests on usage is withheld.
 */
export async function statisticsWindow(
  session: DbSession,
  journal: JournalRef,
  minimumHours: number,
): Promise<StatisticsWindow> {
  const [[stats], rows] = await Promise.all([
    session.query<{ reset: Date | string | null; now: Date | string }>(
      'SELECT stats_reset AS reset, now() AS now FROM pg_stat_database WHERE datname = current_database()',
    ),
    readJournal(session, journal),
  ]);
  const firstMigration = rows?.length ? Math.min(...rows.map((r) => r.appliedAt.getTime())) : null;
  const starts = [stats?.reset ? new Date(stats.reset).getTime() : null, firstMigration].filter(
    (t): t is number => t !== null,
  );
  if (starts.length === 0) return { since: null, hours: null, enough: false };
  const since = new Date(Math.max(...starts));
  const hours = (new Date(stats!.now).getTime() - since.getTime()) / 3_600_000;
  return { since, hours, enough: hours >= minimumHours };
}

export function describeWindow(window: StatisticsWindow): string {
  if (window.hours === null) return 'for an unknown time (never reset, and no migration recorded)';
  return `for ${duration(window.hours)} (since ${window.since!.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
}

export function statisticsFinding(window: StatisticsWindow, minimumHours: number): Finding {
  return finding(
    'info',
    'statistics',
    `Usage statistics have been counting ${describeWindow(window)}` +
      (window.enough
        ? '.'
        : `: too short to judge which indexes go unused (at least ${duration(minimumHours)}, a full cycle of the workload).`),
  );
}

export function duration(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}
