import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { commentOn, REL_KEY, REL_SQL, USES, type ObjectKind } from './object-kind.js';

const TARGET = `coalesce(s.stxstattarget::int, -1)`;

/** Extended statistics (CREATE STATISTICS), with their statistics target. */
export const statistics: ObjectKind = {
  kind: 'statistics',
  query: `
SELECT sn.nspname || '.' || s.stxname AS name, ${REL_KEY} AS on_relation,
       array_remove(ARRAY[
         pg_get_statisticsobjdef(s.oid),
         CASE WHEN ${TARGET} >= 0 THEN format('ALTER STATISTICS %I.%I SET STATISTICS %s', sn.nspname, s.stxname, ${TARGET}) END,
         ${commentOn(`obj_description(s.oid, 'pg_statistic_ext')`, `format('STATISTICS %I.%I', sn.nspname, s.stxname)`)}], NULL) AS create_sql,
       format('DROP STATISTICS %I.%I', sn.nspname, s.stxname) AS drop_sql, NULL AS shape
  FROM pg_statistic_ext s
  JOIN pg_namespace sn ON sn.oid = s.stxnamespace
  JOIN pg_class c ON c.oid = s.stxrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_statistic_ext)`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  rebuiltWithReshapedTable: true,
};

/** Rewrite rules (CREATE RULE), but the ones that make a view a view. */
export const rules: ObjectKind = {
  kind: 'rule',
  query: `
SELECT ${REL_KEY} || '.' || r.rulename AS name, ${REL_KEY} AS on_relation,
       array_remove(ARRAY[
         rtrim(pg_get_ruledef(r.oid), ';'),
         ${commentOn(`obj_description(r.oid, 'pg_rewrite')`, `format('RULE %I ON %s', r.rulename, ${REL_SQL})`)}], NULL) AS create_sql,
       format('DROP RULE %I ON %s', r.rulename, ${REL_SQL}) AS drop_sql, NULL AS shape, ${USES('pg_rewrite', 'r.oid')} AS uses
  FROM pg_rewrite r
  JOIN pg_class c ON c.oid = r.ev_class
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE r.rulename <> '_RETURN' AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE r.rulename <> '_RETURN' AND ${USER_SCHEMA})`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  rebuiltWithReshapedTable: true,
  hasUses: true,
};
