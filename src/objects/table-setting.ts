import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { REL_KEY, REL_SQL, type ObjectKind } from './object-kind.js';

/** REPLICA IDENTITY other than the default (FULL, NOTHING, USING INDEX), for logical replication. */
export const replicaIdentity: ObjectKind = {
  kind: 'replica identity',
  query: `
SELECT ${REL_KEY} AS name, ${REL_KEY} AS on_relation,
       ARRAY[format('ALTER TABLE %s REPLICA IDENTITY %s', ${REL_SQL},
                    CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING'
                      ELSE 'USING INDEX ' || (SELECT quote_ident(i.relname) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                                               WHERE x.indrelid = c.oid AND x.indisreplident) END)] AS create_sql,
       format('ALTER TABLE %s REPLICA IDENTITY DEFAULT', ${REL_SQL}) AS drop_sql, '' AS shape
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relreplident <> 'd' AND c.relkind IN ('r', 'p') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relreplident <> 'd' AND c.relkind IN ('r', 'p') AND ${USER_SCHEMA})`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  replaceable: true,
};

/** UNLOGGED tables (not written to the WAL: fast, emptied by a crash, not replicated). */
export const unlogged: ObjectKind = {
  kind: 'unlogged',
  query: `
SELECT ${REL_KEY} AS name, ${REL_KEY} AS on_relation,
       ARRAY[format('ALTER TABLE %s SET UNLOGGED', ${REL_SQL})] AS create_sql,
       format('ALTER TABLE %s SET LOGGED', ${REL_SQL}) AS drop_sql, NULL AS shape
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relpersistence = 'u' AND c.relkind = 'r' AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_class WHERE relpersistence = 'u' AND relkind = 'r')`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
};
