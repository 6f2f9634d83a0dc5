import type { DbSession } from '../db/session.js';
import { quoteQualified } from '../sql/quote.js';
import { finding, type Finding } from './finding.js';
import { duration } from './statistics-window.js';

export interface MaintenanceThresholds {
  /** Dead rows that autovacuum should long since have removed: at least this many ... */
  deadRowsMin: number;
  /** ... and at least this share of the live rows (autovacuum's own default trigger is 0.2). */
  deadRowsFraction: number;
  /** Rows changed since the last ANALYZE, as a share of the live rows, above which the planner's statistics are stale ... */
  staleAnalyzeFraction: number;
  /** ... when at least this many rows changed (a small table's statistics hardly matter to the planner). */
  staleAnalyzeMinRows: number;
  /** Transaction ID age from which the oldest unfrozen row is a warning (default: twice autovacuum_freeze_max_age). */
  wraparoundWarnAge?: number | undefined;
}

export const DEFAULT_MAINTENANCE: MaintenanceThresholds = {
  deadRowsMin: 10_000,
  deadRowsFraction: 0.2,
  staleAnalyzeFraction: 0.2,
  staleAnalyzeMinRows: 1_000,
};

interface TableStats {
  schema: string;
  table: string;
  live: string;
  dead: string;
  modified: string;
  vacuumedHoursAgo: number | null;
  analyzedHoursAgo: number | null;
}

const ago = (hours: number | null) => (hours === null ? 'never' : `${duration(hours)} ago`);
const n = (text: string) => Number(text).toLocaleString('en');
const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * Vacuum and analyze: tables whose dead rows autovacuum has not caught up with, tables whose
 * planner statistics are missing or stale, and, as information, the table vacuumed and the one
 * analyzed longest ago.
 */
export async function vacuumFindings(
  session: DbSession,
  exclude: readonly string[],
  thresholds: MaintenanceThresholds,
): Promise<Finding[]> {
  const rows = await session.query<TableStats>(
    `SELECT s.schemaname AS schema, s.relname AS "table", s.n_live_tup::text AS live, s.n_dead_tup::text AS dead,
            s.n_mod_since_analyze::text AS modified,
            extract(epoch FROM now() - greatest(s.last_vacuum, s.last_autovacuum))::float8 / 3600 AS "vacuumedHoursAgo",
            extract(epoch FROM now() - greatest(s.last_analyze, s.last_autoanalyze))::float8 / 3600 AS "analyzedHoursAgo"
       FROM pg_stat_user_tables s
      WHERE NOT (s.schemaname = ANY (SELECT jsonb_array_elements_text($1::text::jsonb)))
      ORDER BY 1, 2`,
    [JSON.stringify(exclude)],
  );
  const findings: Finding[] = [];
  const name = (r: TableStats) => `${r.schema}.${r.table}`;
  const dead = rows.filter(
    (r) => Number(r.dead) >= thresholds.deadRowsMin && Number(r.dead) >= thresholds.deadRowsFraction * Number(r.live),
  );
  if (dead.length)
    findings.push(
      finding(
        'warn',
        'vacuum',
        `${plural(dead.length, 'table holds', 'tables hold')} many dead rows that autovacuum has not removed: scans read them, and the table grows.`,
        `${dead.map((r) => `VACUUM (ANALYZE) ${quoteQualified(r.schema, r.table)};`).join(' ')} If it recurs, a long transaction may be holding vacuum back (see sessions), or the table needs a lower autovacuum_vacuum_scale_factor.`,
        {
          objects: dead.map(
            (r) =>
              `${name(r)}: ${n(r.dead)} dead rows beside ${n(r.live)} live (${Math.round((100 * Number(r.dead)) / Math.max(1, Number(r.live)))}%), vacuumed ${ago(r.vacuumedHoursAgo)}`,
          ),
        },
      ),
    );
  const stale = rows.filter((r) => {
    const modified = Number(r.modified);
    if (modified < thresholds.staleAnalyzeMinRows) return false;
    return r.analyzedHoursAgo === null || modified > thresholds.staleAnalyzeFraction * Number(r.live);
  });
  if (stale.length)
    findings.push(
      finding(
        'warn',
        'vacuum',
        `${plural(stale.length, 'table has', 'tables have')} missing or stale planner statistics: the planner guesses row counts, and may choose a bad plan.`,
        `${stale.map((r) => `ANALYZE ${quoteQualified(r.schema, r.table)};`).join(' ')} (after a bulk load, analyze before querying).`,
        {
          objects: stale.map(
            (r) =>
              `${name(r)}: ${n(r.modified)} rows changed since ${r.analyzedHoursAgo === null ? 'it was created, never analyzed' : `it was analyzed ${ago(r.analyzedHoursAgo)}`} (${n(r.live)} live)`,
          ),
        },
      ),
    );
  const withRows = rows.filter((r) => Number(r.live) > 0);
  const oldest = (key: 'vacuumedHoursAgo' | 'analyzedHoursAgo') =>
    [...withRows].sort((a, b) => (b[key] ?? Infinity) - (a[key] ?? Infinity))[0];
  const v = oldest('vacuumedHoursAgo');
  const a = oldest('analyzedHoursAgo');
  if (v && a)
    findings.push(
      finding(
        'info',
        'vacuum',
        `Vacuumed longest ago: ${name(v)} (${ago(v.vacuumedHoursAgo)}); analyzed longest ago: ${name(a)} (${ago(a.analyzedHoursAgo)}).`,
      ),
    );
  return findings;
}

/** How close the database is to transaction ID wraparound: 2^31 transactions, after which PostgreSQL stops writing. */
export async function wraparoundFindings(
  session: DbSession,
  thresholds: MaintenanceThresholds,
  top = 5,
): Promise<Finding[]> {
  const [[database], tables] = await Promise.all([
    session.query<{ age: number; freezeMax: number }>(
      `SELECT age(datfrozenxid)::int AS age, current_setting('autovacuum_freeze_max_age')::int AS "freezeMax"
         FROM pg_database WHERE datname = current_database()`,
    ),
    session.query<{ name: string; age: number }>(
      `SELECT format('%s.%s', n.nspname, c.relname) AS name, age(c.relfrozenxid)::int AS age
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 't') AND c.relfrozenxid <> '0'
        ORDER BY age(c.relfrozenxid) DESC, 1 LIMIT ${Math.trunc(top)}`,
    ),
  ]);
  const { age, freezeMax } = database!;
  const limit = 2 ** 31;
  const warnAt = thresholds.wraparoundWarnAge ?? 2 * freezeMax;
  const share = `${((100 * age) / limit).toFixed(age / limit < 0.01 ? 3 : 1)}%`;
  const objects = tables.map((t) => `${t.name}: ${t.age.toLocaleString('en')} transactions old`);
  if (age >= limit - 500_000_000 || age >= warnAt) {
    return [
      finding(
        age >= limit - 500_000_000 ? 'error' : 'warn',
        'wraparound',
        `The oldest unfrozen transaction ID in this database is ${age.toLocaleString('en')} transactions old (${share} of the way to wraparound, where PostgreSQL stops accepting writes); autovacuum should have frozen it from ${freezeMax.toLocaleString('en')}.`,
        `VACUUM (FREEZE, VERBOSE) the oldest tables below, in a quiet hour; find what holds autovacuum back (a long transaction, an old prepared transaction, an inactive replication slot).`,
        { objects },
      ),
    ];
  }
  return [
    finding(
      'info',
      'wraparound',
      `Transaction IDs: the oldest unfrozen is ${age.toLocaleString('en')} transactions old (${share} of the way to wraparound; autovacuum freezes from ${freezeMax.toLocaleString('en')}).`,
    ),
  ];
}
