import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { REL_KEY, REL_SQL, type ObjectKind } from './object-kind.js';

const rowSecurity = (kind: string, flag: string, on: string, off: string): ObjectKind => ({
  kind,
  query: `
SELECT ${REL_KEY} AS name, ${REL_KEY} AS on_relation,
       ARRAY[format('ALTER TABLE %s ${on}', ${REL_SQL})] AS create_sql,
       format('ALTER TABLE %s ${off}', ${REL_SQL}) AS drop_sql, NULL AS shape
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.${flag} AND c.relkind IN ('r', 'p') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_class WHERE ${flag})`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
});

/** ENABLE ROW LEVEL SECURITY on a table. */
export const rowLevelSecurity = rowSecurity(
  'row level security',
  'relrowsecurity',
  'ENABLE ROW LEVEL SECURITY',
  'DISABLE ROW LEVEL SECURITY',
);

/** FORCE ROW LEVEL SECURITY: the table's owner is held to its policies too. */
export const forcedRowLevelSecurity = rowSecurity(
  'forced row level security',
  'relforcerowsecurity',
  'FORCE ROW LEVEL SECURITY',
  'NO FORCE ROW LEVEL SECURITY',
);
