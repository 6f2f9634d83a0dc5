// What makes a scratch database empty again: its objects dropped, as a new database from an
// empty template has none. PostgreSQL numbers what initdb makes below 16384
// (FirstNormalObjectId); everything made later (by a migration, an extension, a template
// someone filled) is at or above it.

/**
 * Not a session's temporary schema: PostgreSQL makes pg_temp_N (and its toast schema) at a
 * session's first temporary table and leaves it, empty, after; its objects are pg_class's.
 */
const NOT_TEMPORARY = `nspname !~ '^pg_(toast_)?temp_'`;

/** How many objects of its own the database holds (schemas, relations, types, functions, extensions, and the rest). */
export const USER_OBJECTS_SQL = `
SELECT ((SELECT count(*) FROM pg_namespace WHERE oid >= 16384 AND ${NOT_TEMPORARY}) + (SELECT count(*) FROM pg_class WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_type WHERE oid >= 16384) + (SELECT count(*) FROM pg_proc WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_extension WHERE oid >= 16384) + (SELECT count(*) FROM pg_event_trigger)
      + (SELECT count(*) FROM pg_constraint WHERE oid >= 16384) + (SELECT count(*) FROM pg_trigger WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_policy) + (SELECT count(*) FROM pg_rewrite WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_cast WHERE oid >= 16384) + (SELECT count(*) FROM pg_collation WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_operator WHERE oid >= 16384) + (SELECT count(*) FROM pg_opfamily WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_opclass WHERE oid >= 16384) + (SELECT count(*) FROM pg_am WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_language WHERE oid >= 16384) + (SELECT count(*) FROM pg_conversion WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_ts_config WHERE oid >= 16384) + (SELECT count(*) FROM pg_ts_dict WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_ts_parser WHERE oid >= 16384) + (SELECT count(*) FROM pg_ts_template WHERE oid >= 16384)
      + (SELECT count(*) FROM pg_statistic_ext) + (SELECT count(*) FROM pg_transform)
      + (SELECT count(*) FROM pg_foreign_data_wrapper WHERE oid >= 16384) + (SELECT count(*) FROM pg_foreign_server)
      + (SELECT count(*) FROM pg_user_mapping) + (SELECT count(*) FROM pg_publication)
      + (SELECT count(*) FROM pg_default_acl) + (SELECT count(*) FROM pg_largeobject_metadata)
      + (SELECT count(*) FROM pg_attrdef WHERE oid >= 16384))::int AS n,
       (SELECT count(*) FROM pg_namespace WHERE oid = 2200 AND nspname = 'public')::int AS public`;

/**
 * Drops every object of the database's own, in one round trip: event triggers, extensions,
 * schemas but public (CASCADE), and what is in public. The schema public itself stays (as made:
 * its number, owner and privileges are the template's). What this leaves behind, USER_OBJECTS_SQL
 * counts: a kind not dropped here (an operator in public, say) leaves the database not empty, and
 * the caller does not use it as such.
 */
export const EMPTY_DATABASE_SQL = `
DO $smartem_empty$
DECLARE
  s text;
BEGIN
  FOREACH s IN ARRAY coalesce((
    SELECT array_agg(sql ORDER BY ord) FROM (
      SELECT 1 AS ord, format('DROP EVENT TRIGGER IF EXISTS %I', evtname) AS sql FROM pg_event_trigger
      UNION ALL SELECT 2, format('DROP EXTENSION IF EXISTS %I CASCADE', extname) FROM pg_extension WHERE oid >= 16384
      UNION ALL SELECT 3, format('DROP SCHEMA IF EXISTS %I CASCADE', nspname) FROM pg_namespace WHERE oid >= 16384 AND ${NOT_TEMPORARY}
      UNION ALL SELECT 4, format('DROP %s IF EXISTS public.%I CASCADE',
             CASE relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                          WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, relname)
        FROM pg_class WHERE relnamespace = 2200 AND relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      UNION ALL SELECT 5, format('DROP %s IF EXISTS public.%I CASCADE', CASE typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, typname)
        FROM pg_type t WHERE typnamespace = 2200
         AND (typtype IN ('e', 'd', 'r') OR (typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
      UNION ALL SELECT 6, format('DROP ROUTINE IF EXISTS public.%I(%s) CASCADE', proname, pg_get_function_identity_arguments(p.oid))
        FROM pg_proc p WHERE pronamespace = 2200
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('i', 'e'))
      UNION ALL SELECT 7, format('DROP COLLATION IF EXISTS public.%I CASCADE', collname) FROM pg_collation WHERE collnamespace = 2200
      UNION ALL SELECT 8, format('DROP CAST IF EXISTS (%s AS %s) CASCADE', castsource::regtype, casttarget::regtype) FROM pg_cast WHERE oid >= 16384
    ) x), '{}') LOOP
    EXECUTE s;
  END LOOP;
END $smartem_empty$`;
