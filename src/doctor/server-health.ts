import type { DbSession } from '../db/session.js';
import { finding, type Finding } from './finding.js';
import { describeWindow, type StatisticsWindow } from './statistics-window.js';
import { formatBytes } from '../text/format-bytes.js';

export interface ServerThresholds {
  /** A share of the usable connections in use above which it is a warning (0.95 and over: an error). */
  connectionsWarnFraction: number;
  /** The share of block reads served from shared buffers below which it is a warning. */
  cacheHitMin: number;
  /** A standby this far behind (seconds) is a warning. */
  replicationLagSeconds: number;
}

export const DEFAULT_SERVER: ServerThresholds = {
  connectionsWarnFraction: 0.8,
  cacheHitMin: 0.99,
  replicationLagSeconds: 60,
};

/** Connections in use against max_connections, less those reserved for superusers. */
export async function connectionFindings(session: DbSession, thresholds: ServerThresholds): Promise<Finding[]> {
  const [row] = await session.query<{ used: number; here: number; max: number; reserved: number }>(
    `SELECT count(*)::int AS used, count(*) FILTER (WHERE datname = current_database())::int AS here,
            current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS reserved
       FROM pg_stat_activity WHERE backend_type = 'client backend'`,
  );
  const { used, here, max, reserved } = row!;
  const usable = Math.max(1, max - reserved);
  const share = used / usable;
  const text = `${used} of ${usable} connections in use (${Math.round(share * 100)}%; ${here} in this database; max_connections ${max}, ${reserved} kept for superusers)`;
  if (share < thresholds.connectionsWarnFraction) return [finding('info', 'connections', `${text}.`)];
  return [
    finding(
      share >= 0.95 ? 'error' : 'warn',
      'connections',
      `${text}: new connections will soon be refused.`,
      'Put a pooler (PgBouncer) in front of the application, lower its pool sizes, or end idle sessions; raising max_connections costs memory per connection.',
    ),
  ];
}

/** The share of block reads this database served from shared buffers, once the statistics mean something. */
export async function cacheFindings(
  session: DbSession,
  thresholds: ServerThresholds,
  window: StatisticsWindow,
): Promise<Finding[]> {
  const [row] = await session.query<{ hit: string; read: string }>(
    'SELECT blks_hit::text AS hit, blks_read::text AS read FROM pg_stat_database WHERE datname = current_database()',
  );
  const hit = Number(row!.hit);
  const total = hit + Number(row!.read);
  if (total === 0) return [finding('info', 'cache', 'No block has been read in this database yet.')];
  const ratio = hit / total;
  const text = `${(ratio * 100).toFixed(2)}% of block reads came from shared buffers (${total.toLocaleString('en')} reads, counted ${describeWindow(window)})`;
  if (ratio >= thresholds.cacheHitMin || !window.enough)
    return [
      finding(
        'info',
        'cache',
        `${text}${ratio < thresholds.cacheHitMin ? '; too soon to judge (a restart or a bulk load reads from disk)' : ''}.`,
      ),
    ];
  return [
    finding(
      'warn',
      'cache',
      `${text}: below ${(thresholds.cacheHitMin * 100).toFixed(0)}%, queries wait on the disk.`,
      'Look for sequential scans of large tables (missing indexes; see foreign-keys and statements), or give shared_buffers more memory (a quarter of RAM is the usual start).',
    ),
  ];
}

/**
 * Replication: on a standby, how far it lags; on a primary, each standby's replay lag and every
 * replication slot no consumer uses (it keeps WAL until the disk fills).
 */
export async function replicationFindings(session: DbSession, thresholds: ServerThresholds): Promise<Finding[]> {
  const [{ standby }] = (await session.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby')) as [
    { standby: boolean },
  ];
  if (standby) {
    const [lag] = await session.query<{ seconds: number | null }>(
      `SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                   ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS seconds`,
    );
    const seconds = lag?.seconds ?? 0;
    return [
      finding(
        seconds > thresholds.replicationLagSeconds ? 'warn' : 'info',
        'replication',
        `This is a standby, ${Math.round(seconds)} s behind its primary.`,
        seconds > thresholds.replicationLagSeconds
          ? 'Look at the primary: a long query here (hot_standby_feedback), a slow disk, or the network.'
          : undefined,
      ),
    ];
  }
  const [standbys, slots] = await Promise.all([
    session.query<{ name: string; state: string; lag: number | null }>(
      `SELECT coalesce(nullif(application_name, ''), client_addr::text, 'a standby') AS name, state,
              extract(epoch FROM replay_lag)::float8 AS lag FROM pg_stat_replication ORDER BY 1`,
    ),
    session.query<{ name: string; type: string; active: boolean; retained: string | null }>(
      `SELECT slot_name AS name, slot_type AS type, active,
              pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(restart_lsn, pg_current_wal_lsn()))::bigint::text AS retained
         FROM pg_replication_slots ORDER BY 1`,
    ),
  ]);
  const findings: Finding[] = [];
  const lagging = standbys.filter((s) => (s.lag ?? 0) > thresholds.replicationLagSeconds);
  if (lagging.length)
    findings.push(
      finding(
        'warn',
        'replication',
        `${lagging.length} standby${lagging.length === 1 ? ' lags' : 's lag'} more than ${thresholds.replicationLagSeconds} s behind: reads there are stale, and a backfill should slow down.`,
        'Look at the standby: a long query (hot_standby_feedback), a slow disk, or the network.',
        { objects: lagging.map((s) => `${s.name} (${s.state}): ${Math.round(s.lag!)} s behind`) },
      ),
    );
  const inactive = slots.filter((s) => !s.active);
  if (inactive.length)
    findings.push(
      finding(
        'warn',
        'replication',
        `${inactive.length} replication slot${inactive.length === 1 ? ' is' : 's are'} not in use: the server keeps all WAL since ${inactive.length === 1 ? 'its' : 'their'} consumer left, until the disk fills.`,
        `If the consumer is gone for good: ${inactive.map((s) => `SELECT pg_drop_replication_slot('${s.name.replace(/'/g, "''")}');`).join(' ')}`,
        { objects: inactive.map((s) => `${s.name} (${s.type}): keeps ${formatBytes(Number(s.retained ?? 0))} of WAL`) },
      ),
    );
  if (findings.length === 0)
    findings.push(
      finding(
        'info',
        'replication',
        standbys.length
          ? `${standbys.length} standby${standbys.length === 1 ? '' : 's'}, none more than ${thresholds.replicationLagSeconds} s behind; ${slots.length} slot${slots.length === 1 ? '' : 's'}, all in use.`
          : `No standby is connected${slots.length ? `; ${slots.length} slot${slots.length === 1 ? '' : 's'}, all in use` : ', and there are no replication slots'}.`,
      ),
    );
  return findings;
}
