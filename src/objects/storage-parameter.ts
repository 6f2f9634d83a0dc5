import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { REL_KEY, REL_KEYWORD, REL_SQL, type ObjectKind } from './object-kind.js';

/**
 * One storage parameter of a table, materialized view or view (reloptions): fillfactor and the
 * autovacuum settings a hot table like micrograph needs (its TOAST table's too, `toast.`), a
 * view's security_invoker, security_barrier and check_option. Set in place; removed by RESET.
 */
export const storageParameters: ObjectKind = {
  kind: 'storage parameter',
  query: `
SELECT ${REL_KEY} || ' (' || split_part(o, '=', 1) || ')' AS name, ${REL_KEY} AS on_relation,
       ARRAY[format('ALTER %s %s SET (%s)', ${REL_KEYWORD}, ${REL_SQL}, o)] AS create_sql,
       format('ALTER %s %s RESET (%s)', ${REL_KEYWORD}, ${REL_SQL}, split_part(o, '=', 1)) AS drop_sql, '' AS shape
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
       unnest(c.reloptions || ARRAY(SELECT 'toast.' || t FROM pg_class tc, unnest(tc.reloptions) t WHERE tc.oid = c.reltoastrelid)) o
 WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE (c.reloptions IS NOT NULL AND ${USER_SCHEMA}) OR (c.relkind = 't' AND c.reloptions IS NOT NULL))`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  replaceable: true,
};
