import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { REL_SQL, relationObjectsQuery, USES, type ObjectKind } from './object-kind.js';

/**
 * Triggers and constraint triggers, as pg_get_triggerdef prints them, with their enabled state.
 * Internal ones (foreign keys') and the clones a partition gets from its parent's are left out.
 */
export const triggers: ObjectKind = {
  kind: 'trigger',
  query: relationObjectsQuery({
    from: 'pg_trigger t',
    relation: 't.tgrelid',
    keyword: 'TRIGGER',
    name: 't.tgname',
    create: [
      'pg_get_triggerdef(t.oid)',
      `CASE t.tgenabled WHEN 'D' THEN format('ALTER TABLE %s DISABLE TRIGGER %I', ${REL_SQL}, t.tgname)
                        WHEN 'R' THEN format('ALTER TABLE %s ENABLE REPLICA TRIGGER %I', ${REL_SQL}, t.tgname)
                        WHEN 'A' THEN format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', ${REL_SQL}, t.tgname) END`,
    ],
    description: `obj_description(t.oid, 'pg_trigger')`,
    uses: USES('pg_trigger', 't.oid'),
    where: `NOT t.tgisinternal AND t.tgparentid = 0 AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  }),
  present: `EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal)`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  rebuiltWithReshapedTable: true,
  hasUses: true,
};
