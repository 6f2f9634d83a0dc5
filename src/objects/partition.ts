import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { commentOn, REL_KEY, REL_SQL, type ObjectKind } from './object-kind.js';

/**
 * The partitions of a partitioned table, with their bounds (and their own key when they are
 * partitioned in turn). Columns, indexes, foreign keys and triggers come from the parent; dropping
 * a partition drops its rows, which the lint calls data loss like any DROP TABLE.
 */
export const partitions: ObjectKind = {
  kind: 'partition',
  query: `
SELECT ${REL_KEY} AS name, pn.nspname || '.' || pc.relname AS on_relation,
       array_remove(ARRAY[
         format('CREATE TABLE %s PARTITION OF %I.%I %s', ${REL_SQL}, pn.nspname, pc.relname, pg_get_expr(c.relpartbound, c.oid))
           || CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_get_partkeydef(c.oid) ELSE '' END,
         ${commentOn(`obj_description(c.oid, 'pg_class')`, `'TABLE ' || ${REL_SQL}`)}], NULL) AS create_sql,
       format('DROP TABLE %s', ${REL_SQL}) AS drop_sql, NULL AS shape
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_inherits i ON i.inhrelid = c.oid
  JOIN pg_class pc ON pc.oid = i.inhparent
  JOIN pg_namespace pn ON pn.oid = pc.relnamespace
 WHERE c.relispartition AND c.relkind IN ('r', 'p') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_class WHERE relispartition AND relkind IN ('r', 'p'))`,
  createPhase: Phase.createPartition,
  dropPhase: Phase.dropPartition,
};
