import { USES } from '../objects/object-kind.js';
import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
// The catalog queries introspection runs: a fixed set, however many tables there are. Each takes
// $1 = the schemas to leave out (the migration journal's), and reads every other user schema.
// Objects that belong to an extension are left out: the extension owns them, not the model.

export const SCHEMAS_SQL = `
SELECT n.nspname AS name
  FROM pg_namespace n
 WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_namespace', 'n.oid')}
 ORDER BY 1`;

export const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       array_to_json(array_agg(e.enumlabel ORDER BY e.enumsortorder))::text AS values,
       obj_description(t.oid, 'pg_type') AS comment
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_type', 't.oid')}
 GROUP BY n.nspname, t.typname, t.oid
 ORDER BY 1, 2`;

export const SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
       s.seqcache::text AS cache, s.seqcycle AS cycle,
       owner.relname AS owned_table, owner_col.attname AS owned_column,
       obj_description(c.oid, 'pg_class') AS comment
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
  LEFT JOIN pg_class owner ON owner.oid = d.refobjid
  LEFT JOIN pg_attribute owner_col ON owner_col.attrelid = d.refobjid AND owner_col.attnum = d.refobjsubid
 WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
   AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i')
 ORDER BY 1, 2`;

// What is the table's is worked out once per table (MATERIALIZED), not once per column, and
// comments are joined rather than looked up per row: at 1000 tables (8000 columns) the per-row
// calls were 180-350 ms of the query, now ~60. A default cannot name a column, so it is printed
// without opening its table (pg_get_expr with no relation: 7 ms against 55 for 4000 defaults).
export const COLUMNS_SQL = `
WITH tables AS MATERIALIZED (
SELECT c.oid, n.nspname AS schema, c.relname AS table, c.relkind AS kind,
       obj_description(c.oid, 'pg_class') AS table_comment,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by,
       (SELECT array_to_json(array_agg(pn.nspname || '.' || pc.relname ORDER BY i.inhseqno))::text
          FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid) AS inherits
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
)
SELECT c.schema, c.table, c.kind, c.table_comment, c.partition_by, c.inherits,
       a.attname AS name, a.attnum AS position, a.attinhcount > 0 AS inherited,
       format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END AS default,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,
       a.attidentity AS identity,
       CASE WHEN a.attidentity <> '' THEN
         (SELECT json_build_object('sequence', sc.relname, 'start', sq.seqstart::text, 'increment', sq.seqincrement::text,
                                   'min', sq.seqmin::text, 'max', sq.seqmax::text, 'cache', sq.seqcache::text, 'cycle', sq.seqcycle)::text
            FROM pg_depend d
            JOIN pg_class sc ON sc.oid = d.objid
            JOIN pg_sequence sq ON sq.seqrelid = sc.oid
           WHERE d.classid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.refobjsubid = a.attnum AND d.deptype = 'i'
           LIMIT 1)
       END AS identity_options,
       tn.nspname AS type_schema, coalesce(et.typname, t.typname) AS type_name,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
         (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
            FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation)
       END AS collation,
       cd.description AS comment
  FROM tables c
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
  LEFT JOIN pg_namespace tn ON tn.oid = coalesce(et.typnamespace, t.typnamespace)
  LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
  LEFT JOIN pg_description cd ON cd.objoid = c.oid AND cd.classoid = 'pg_class'::regclass AND cd.objsubid = a.attnum
 ORDER BY 1, 2, a.attnum`;

export const CONSTRAINTS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, k.conname AS name, k.contype AS kind,
       pg_get_constraintdef(k.oid) AS definition,
       (SELECT array_to_string(ic.reloptions, ', ') FROM pg_class ic WHERE ic.oid = k.conindid AND k.contype IN ('p', 'u', 'x')) AS index_options,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       array_to_json(ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(attnum, i)
                            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.i))::text AS columns,
       array_to_json(ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(attnum, i)
                            JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.i))::text AS ref_columns,
       obj_description(k.oid, 'pg_constraint') AS comment
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class rc ON rc.oid = k.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE k.contype IN ('p', 'u', 'c', 'x', 'f') AND k.conislocal AND k.coninhcount = 0 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
 ORDER BY 1, 2, 3`;

export const INDEXES_SQL = `
SELECT n.nspname AS schema, c.relname AS table, i.relname AS name,
       -- A partitioned table's index prints as CREATE INDEX ... ON ONLY, which makes an invalid
       -- index on the parent alone; without ONLY it is made on every partition too, as the model's
       -- was. One left invalid (ON ONLY, a partition's index not attached) keeps its ONLY.
       CASE WHEN c.relkind = 'p' AND x.indisvalid THEN regexp_replace(pg_get_indexdef(x.indexrelid), ' ON ONLY ', ' ON ')
            ELSE pg_get_indexdef(x.indexrelid) END AS definition, x.indisunique AS unique,
       array_to_json(ARRAY(SELECT coalesce(a.attname, '(expression)') FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(attnum, k)
                            LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
                           WHERE u.k <= x.indnkeyatts ORDER BY u.k))::text AS columns,
       obj_description(i.oid, 'pg_class') AS comment
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class c ON c.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))
 ORDER BY 1, 2, 3`;

export const VIEWS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid) AS definition,
       array_to_json(ARRAY(
         SELECT DISTINCT dn.nspname || '.' || dc.relname
           FROM pg_rewrite r
           JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
           JOIN pg_class dc ON dc.oid = d.refobjid AND dc.oid <> c.oid
           JOIN pg_namespace dn ON dn.oid = dc.relnamespace
          WHERE r.ev_class = c.oid
         UNION
         SELECT unnest(${USES('pg_rewrite', 'r.oid')}) FROM pg_rewrite r WHERE r.ev_class = c.oid
         ORDER BY 1))::text AS depends_on,
       obj_description(c.oid, 'pg_class') AS comment,
       array_to_json(ARRAY(
         SELECT json_build_object('column', a.attname, 'comment', d.description)
           FROM pg_attribute a
           JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = a.attnum
          WHERE a.attrelid = c.oid AND a.attnum > 0 ORDER BY a.attnum))::text AS column_comments
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('v', 'm') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
 ORDER BY 1, 2`;
