import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { commentOn, REL_KEY, REL_SQL, USES, type ObjectKind } from './object-kind.js';

/**
 * Triggers and constraint triggers, as pg_get_triggerdef prints them, with their enabled state.
 * Internal ones (foreign keys') and the clones a partition gets from its parent's are left out.
 */
export const triggers: ObjectKind = {
  kind: 'trigger',
  query: `
SELECT ${REL_KEY} || '.' || t.tgname AS name, ${REL_KEY} AS on_relation,
       array_remove(ARRAY[
         pg_get_triggerdef(t.oid),
         CASE t.tgenabled WHEN 'D' THEN format('ALTER TABLE %s DISABLE TRIGGER %I', ${REL_SQL}, t.tgname)
                          WHEN 'R' THEN format('ALTER TABLE %s ENABLE REPLICA TRIGGER %I', ${REL_SQL}, t.tgname)
                          WHEN 'A' THEN format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', ${REL_SQL}, t.tgname) END,
         ${commentOn(`obj_description(t.oid, 'pg_trigger')`, `format('TRIGGER %I ON %s', t.tgname, ${REL_SQL})`)}], NULL) AS create_sql,
       format('DROP TRIGGER %I ON %s', t.tgname, ${REL_SQL}) AS drop_sql, NULL AS shape, ${USES('pg_trigger', 't.oid')} AS uses
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal)`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  rebuiltWithReshapedTable: true,
  hasUses: true,
};
