import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { REL_KEY, REL_SQL, type ObjectKind } from './object-kind.js';

const STORAGE = (code: string) =>
  `CASE ${code} WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END`;
const STATISTICS = `coalesce(a.attstattarget::int, -1)`;
/** n_distinct and n_distinct_inherited; some builds keep internal entries (pg_...) here, which are not the schema's. */
const OPTIONS = `ARRAY(SELECT o FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg\\_%' ORDER BY o)`;

/**
 * What ALTER COLUMN sets beside the column's definition: its statistics target, storage,
 * compression and attribute options (n_distinct). Set in place; removed by setting the default.
 */
export const columnSettings: ObjectKind = {
  kind: 'column setting',
  query: `
SELECT ${REL_KEY} || '.' || a.attname || ' ' || s.setting AS name, ${REL_KEY} AS on_relation,
       ARRAY[format('ALTER TABLE %s ALTER COLUMN %I %s', ${REL_SQL}, a.attname, s.set_sql)] AS create_sql,
       format('ALTER TABLE %s ALTER COLUMN %I %s', ${REL_SQL}, a.attname, s.reset_sql) AS drop_sql, '' AS shape
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid,
  LATERAL (VALUES
    ('statistics', CASE WHEN ${STATISTICS} >= 0 THEN 'SET STATISTICS ' || ${STATISTICS} END, 'SET STATISTICS -1'),
    ('storage', CASE WHEN a.attstorage <> t.typstorage THEN 'SET STORAGE ' || ${STORAGE('a.attstorage')} END,
                'SET STORAGE ' || ${STORAGE('t.typstorage')}),
    ('compression', CASE a.attcompression WHEN 'p' THEN 'SET COMPRESSION pglz' WHEN 'l' THEN 'SET COMPRESSION lz4' END,
                    'SET COMPRESSION default'),
    ('options', 'SET (' || nullif(array_to_string(${OPTIONS}, ', '), '') || ')',
                'RESET (' || (SELECT string_agg(split_part(o, '=', 1), ', ') FROM unnest(${OPTIONS}) o) || ')')
  ) s(setting, set_sql, reset_sql)
 WHERE s.set_sql IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm')
   AND (${STATISTICS} >= 0 OR a.attstorage <> t.typstorage OR a.attcompression <> '' OR a.attoptions IS NOT NULL)
   AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_type t ON t.oid = a.atttypid
                   WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMA}
                     AND (${STATISTICS} >= 0 OR a.attstorage <> t.typstorage OR a.attcompression <> ''
                          OR cardinality(${OPTIONS}) > 0))`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  replaceable: true,
};
