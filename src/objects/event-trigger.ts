import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { commentOn, USES, type ObjectKind } from './object-kind.js';

/**
 * Event triggers (the database's, on DDL): the event, the tags they fire for, the function, and
 * whether they are enabled. One whose function is in a schema left out is left out with it.
 */
export const eventTriggers: ObjectKind = {
  kind: 'event trigger',
  query: `
SELECT et.evtname::text AS name, NULL AS on_relation,
       array_remove(ARRAY[
         format('CREATE EVENT TRIGGER %I ON %s%s EXECUTE FUNCTION %I.%I()', et.evtname, et.evtevent,
                CASE WHEN et.evttags IS NULL THEN ''
                     ELSE ' WHEN TAG IN (' || (SELECT string_agg(quote_literal(t), ', ' ORDER BY t) FROM unnest(et.evttags) t) || ')' END,
                n.nspname, p.proname),
         CASE et.evtenabled WHEN 'D' THEN format('ALTER EVENT TRIGGER %I DISABLE', et.evtname)
                           WHEN 'R' THEN format('ALTER EVENT TRIGGER %I ENABLE REPLICA', et.evtname)
                           WHEN 'A' THEN format('ALTER EVENT TRIGGER %I ENABLE ALWAYS', et.evtname) END,
         ${commentOn(`obj_description(et.oid, 'pg_event_trigger')`, `format('EVENT TRIGGER %I', et.evtname)`)}], NULL) AS create_sql,
       format('DROP EVENT TRIGGER %I', et.evtname) AS drop_sql, NULL AS shape, ${USES('pg_event_trigger', 'et.oid')} AS uses
  FROM pg_event_trigger et JOIN pg_proc p ON p.oid = et.evtfoid JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_event_trigger', 'et.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_event_trigger)`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  hasUses: true,
};
