import { quoteLiteral } from '../sql/quote.js';

// Work on a table's rows in batches that each commit and take about 50 ms, walking the table by
// TID ranges, throttled for standbys and lock waiters: a column's backfill, a table's copy.

/**
 * A DO block that fills a column's NULLs in batches that each commit and take about 50 ms (a
 * crash loses no batch done; run again, it continues), walking the table by TID ranges, then
 * sweeping what other sessions moved behind it. Between batches it waits while a standby has not
 * replayed what was committed more than `smartem_db.max_replica_lag` ago (default 1 s; the runner
 * sets it from --max-replica-lag), and yields to sessions waiting for a lock on the table: a
 * backfill must not leave replicas behind nor queue the application. Waiting is reported in the
 * progress notices; a role that cannot see replication (pg_monitor) does not wait for it.
 */
export function backfill(
  target: string,
  column: string,
  expression: string,
  label: string,
  pending = `${column} IS NULL`,
): string {
  const said = label.replace(/'/g, "''");
  const set = `UPDATE ${target} SET ${column} = ${expression}`;
  return [
    '-- Backfill in batches of about 50 ms, each committed: run again, it continues where it stopped.',
    '-- Between batches it waits for standbys more than smartem_db.max_replica_lag behind (default 1 s).',
    'DO $smartem_backfill$',
    'DECLARE',
    ...WALK_DECLARATIONS(target),
    '  smartem_found tid[];',
    'BEGIN',
    ...walk(target, (range) => `${set}\n     WHERE ${range} AND ${pending};`, said),
    '  LOOP',
    `    smartem_found := ARRAY(SELECT ctid FROM ${target} WHERE ${pending} LIMIT 1000000);`,
    '    EXIT WHEN cardinality(smartem_found) = 0;',
    '    FOR smartem_i IN 1 .. cardinality(smartem_found) BY 500 LOOP',
    `      ${set} WHERE ctid = ANY (smartem_found[smartem_i:smartem_i + 499]) AND ${pending};`,
    '      GET DIAGNOSTICS smartem_n = ROW_COUNT;',
    '      smartem_done := smartem_done + smartem_n;',
    '      COMMIT;',
    ...THROTTLE(target, said).map((line) => `  ${line}`),
    '    END LOOP;',
    `    RAISE NOTICE 'smartem-db:progress ${said} % rows', smartem_done;`,
    '  END LOOP;',
    'END',
    '$smartem_backfill$',
  ].join('\n');
}

/**
 * A DO block that copies `source`'s rows into `target` in batches of about 50 ms that each
 * commit, walking `source` by TID ranges, throttled as a backfill is. The rows of a batch are
 * locked while it copies them (FOR SHARE), so that a row deleted meanwhile is not copied after
 * the trigger that mirrors writes has deleted it; a row the trigger has copied already is kept.
 */
export function copyInBatches(source: string, target: string, columns: string, key: string, label: string): string {
  const said = label.replace(/'/g, "''");
  const copy = `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${source}`;
  return [
    '-- Copied in batches of about 50 ms, each committed; what is written meanwhile, the trigger mirrors.',
    'DO $smartem_copy$',
    'DECLARE',
    ...WALK_DECLARATIONS(source),
    'BEGIN',
    ...walk(source, (range) => `${copy}\n     WHERE ${range} FOR SHARE ON CONFLICT (${key}) DO NOTHING;`, said),
    'END',
    '$smartem_copy$',
  ].join('\n');
}

const pagesOf = (relation: string) =>
  `pg_relation_size(${quoteLiteral(relation)}::regclass) / current_setting('block_size')::bigint`;

const WALK_DECLARATIONS = (relation: string): string[] => [
  `  smartem_pages bigint := ${pagesOf(relation)};`,
  '  smartem_at bigint := 0;',
  '  smartem_step bigint := 8;',
  '  smartem_done bigint := 0;',
  '  smartem_n bigint;',
  '  smartem_started timestamptz;',
  "  smartem_max_lag interval := coalesce(nullif(current_setting('smartem_db.max_replica_lag', true), ''), '1s')::interval;",
  '  smartem_commits timestamptz[] := ARRAY[]::timestamptz[];',
  '  smartem_lsns pg_lsn[] := ARRAY[]::pg_lsn[];',
];

/**
 * The walk of `relation` by TID ranges: `batch` is the statement for one range of pages, sized to
 * take about 50 ms; each commits and is followed by the throttle. The relation's size is read again
 * at the end, so that pages it grew by are walked too.
 */
function walk(relation: string, batch: (range: string) => string, said: string): string[] {
  return [
    '  LOOP',
    '    IF smartem_at >= smartem_pages THEN',
    `      smartem_pages := ${pagesOf(relation)};`,
    '      EXIT WHEN smartem_at >= smartem_pages;',
    '    END IF;',
    '    smartem_started := clock_timestamp();',
    `    ${batch("ctid >= format('(%s,0)', smartem_at)::tid AND ctid < format('(%s,0)', smartem_at + smartem_step)::tid")}`,
    '    GET DIAGNOSTICS smartem_n = ROW_COUNT;',
    '    smartem_done := smartem_done + smartem_n;',
    '    smartem_at := smartem_at + smartem_step;',
    '    COMMIT;',
    `    RAISE NOTICE 'smartem-db:progress ${said} % rows, % of % pages', smartem_done, least(smartem_at, smartem_pages), smartem_pages;`,
    '    smartem_step := greatest(1, least(smartem_step * 2, (smartem_step * 0.05 / greatest(extract(epoch FROM clock_timestamp() - smartem_started), 0.001))::bigint));',
    ...THROTTLE(relation, said),
    '  END LOOP;',
  ];
}

/**
 * The wait after each committed batch: the batch's time and WAL position are remembered; the
 * position committed half of `max_lag` ago must be replayed by every standby this primary streams
 * to before the next batch (replay paused or slow: it waits, saying so), so that the standby stays
 * within the limit; then a session waiting for a lock on the table gets a moment to take it.
 */
const THROTTLE = (target: string, said: string): string[] => [
  '    IF NOT pg_is_in_recovery() THEN',
  '      smartem_commits := smartem_commits || clock_timestamp();',
  '      smartem_lsns := smartem_lsns || pg_current_wal_lsn();',
  '      LOOP',
  '        -- The newest batch committed at least half the limit ago (the standby stalls, and the batch',
  '        -- adds to its lag: half keeps it within the limit); those before it are no longer needed.',
  '        smartem_n := coalesce((SELECT max(g.k) FROM generate_subscripts(smartem_commits, 1) AS g(k) WHERE smartem_commits[g.k] <= clock_timestamp() - smartem_max_lag / 2), 0);',
  '        IF smartem_n > 1 THEN',
  '          smartem_commits := smartem_commits[smartem_n:];',
  '          smartem_lsns := smartem_lsns[smartem_n:];',
  '          smartem_n := 1;',
  '        END IF;',
  '        EXIT WHEN smartem_n = 0 OR NOT EXISTS (SELECT 1 FROM pg_stat_replication r WHERE r.replay_lsn < smartem_lsns[smartem_n]);',
  `        RAISE NOTICE 'smartem-db:progress ${said} % rows, waiting: a standby is more than % s behind', smartem_done,`,
  "          rtrim(rtrim(round(extract(epoch FROM smartem_max_lag), 3)::text, '0'), '.');",
  '        -- A standby reports its replay when WAL reaches it (else every 10 s): a little keeps it current.',
  "        PERFORM pg_logical_emit_message(false, 'smartem-db', 'waiting for a standby');",
  '        PERFORM pg_sleep(0.2);',
  '      END LOOP;',
  '    END IF;',
  `    IF EXISTS (SELECT 1 FROM pg_locks l WHERE NOT l.granted AND l.relation = ${quoteLiteral(target)}::regclass) THEN`,
  '      PERFORM pg_sleep(0.05);',
  '    END IF;',
];
