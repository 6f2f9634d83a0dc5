import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { REL_KEY, REL_SQL, type ObjectKind, FUNCTION_KEY } from './object-kind.js';

/**
 * The access control lists of tables, views, sequences, schemas (but public, whose default
 * differs between servers), functions and types, beside their defaults (acldefault), the owner's
 * own entry left out: ownership is the deployment's, not the model's. An object without a list
 * has the defaults, so nothing granted or revoked: it is not read.
 */
export const ACLS = `
SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS keyword, ${REL_SQL} AS target, ${REL_KEY} AS key,
       ${REL_KEY} AS on_relation, c.relacl AS acl,
       acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner) AS defaults, c.relowner AS owner
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT 'SCHEMA', quote_ident(n.nspname), n.nspname, NULL, n.nspacl, acldefault('n', n.nspowner), n.nspowner
  FROM pg_namespace n
 WHERE n.nspacl IS NOT NULL AND n.nspname <> 'public' AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_namespace', 'n.oid')}
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
       format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
       ${FUNCTION_KEY('p', 'n')}, NULL,
       p.proacl, acldefault('f', p.proowner), p.proowner
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.proacl IS NOT NULL AND p.prokind IN ('f', 'p') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_proc', 'p.oid')}
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, format('%I.%I', n.nspname, t.typname),
       n.nspname || '.' || t.typname, NULL, t.typacl, acldefault('T', t.typowner), t.typowner
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typacl IS NOT NULL AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
   AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_type', 't.oid')}`;

/** Whether any object the lists above read has a list at all (cheap: no list is read). */
export const ANY_ACL = `(EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relacl IS NOT NULL AND ${USER_SCHEMA})
  OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.proacl IS NOT NULL AND p.pronamespace IN (SELECT n.oid FROM pg_namespace n WHERE ${USER_SCHEMA}))
  OR EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspacl IS NOT NULL AND n.nspname <> 'public' AND ${USER_SCHEMA})
  OR EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typacl IS NOT NULL AND ${USER_SCHEMA}))`;

/** An aclexplode() row `e`'s grantee, for SQL and as messages name it. */
export const GRANTEE = `CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(e.grantee)) END`;
export const GRANTEE_NAME = `CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(e.grantee)::text END`;
const PRIVILEGES = `string_agg(e.privilege_type, ', ' ORDER BY e.privilege_type)`;

/** Entries of `from` that `than` lacks, one row per object, grantee and grant option. */
const entries = (from: string, than: string) => `
SELECT a.keyword, a.target, a.key, a.on_relation, ${GRANTEE} AS grantee, ${GRANTEE_NAME} AS grantee_name,
       e.is_grantable, ${PRIVILEGES} AS privileges
  FROM acls a, aclexplode(${from}) e
 WHERE e.grantee <> a.owner
   AND NOT EXISTS (SELECT 1 FROM aclexplode(${than}) x
                    WHERE x.grantee = e.grantee AND x.privilege_type = e.privilege_type AND x.is_grantable = e.is_grantable)
 GROUP BY a.keyword, a.target, a.key, a.on_relation, e.grantee, e.is_grantable`;

/** Privileges granted beyond the defaults: GRANT ... TO the application's role. */
export const grants: ObjectKind = {
  kind: 'grant',
  query: `
WITH acls AS (${ACLS})
SELECT privileges || ' on ' || lower(keyword) || ' ' || key || ' to ' || grantee_name
         || CASE WHEN is_grantable THEN ' with grant option' ELSE '' END AS name,
       on_relation,
       ARRAY[format('GRANT %s ON %s %s TO %s%s', privileges, keyword, target, grantee,
                    CASE WHEN is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)] AS create_sql,
       format('REVOKE %s ON %s %s FROM %s', privileges, keyword, target, grantee) AS drop_sql, NULL AS shape
  FROM (${entries('coalesce(a.acl, a.defaults)', 'a.defaults')}) g`,
  present: ANY_ACL,
  createPhase: Phase.createGrant,
  dropPhase: Phase.dropGrant,
};

/** Default privileges taken away: REVOKE EXECUTE ... FROM PUBLIC on a function, say. */
export const revokedDefaults: ObjectKind = {
  kind: 'revoked default privilege',
  query: `
WITH acls AS (${ACLS})
SELECT privileges || ' on ' || lower(keyword) || ' ' || key || ' from ' || grantee_name AS name,
       on_relation,
       ARRAY[format('REVOKE %s ON %s %s FROM %s', privileges, keyword, target, grantee)] AS create_sql,
       format('GRANT %s ON %s %s TO %s%s', privileges, keyword, target, grantee,
              CASE WHEN is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) AS drop_sql, NULL AS shape
  FROM (${entries('a.defaults', 'coalesce(a.acl, a.defaults)')}) g`,
  present: ANY_ACL,
  createPhase: Phase.createGrant,
  dropPhase: Phase.dropGrant,
};

/** The privileges columns have of their own (GRANT SELECT (name) ON ...), the owner's left out. */
export const COLUMN_ACLS = `
SELECT ${REL_SQL} AS target, ${REL_KEY} AS key, ${REL_KEY} AS on_relation, a.attname AS column_name, a.attacl AS acl,
       c.relowner AS owner
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')
   AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`;

export const ANY_COLUMN_ACL = `EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND ${USER_SCHEMA})`;

/** Privileges on single columns: GRANT SELECT (id, name) ON TABLE ... TO the application's role. */
export const columnGrants: ObjectKind = {
  kind: 'column grant',
  query: `
SELECT privileges || ' on column ' || key || '.' || column_name || ' to ' || grantee_name
         || CASE WHEN is_grantable THEN ' with grant option' ELSE '' END AS name,
       on_relation,
       ARRAY[format('GRANT %s ON TABLE %s TO %s%s', privileges, target, grantee,
                    CASE WHEN is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)] AS create_sql,
       format('REVOKE %s ON TABLE %s FROM %s', privileges, target, grantee) AS drop_sql, NULL AS shape
  FROM (SELECT a.target, a.key, a.on_relation, a.column_name, ${GRANTEE} AS grantee, ${GRANTEE_NAME} AS grantee_name,
               e.is_grantable,
               string_agg(format('%s (%I)', e.privilege_type, a.column_name), ', ' ORDER BY e.privilege_type) AS privileges
          FROM (${COLUMN_ACLS}) a, aclexplode(a.acl) e
         WHERE e.grantee <> a.owner
         GROUP BY a.target, a.key, a.on_relation, a.column_name, e.grantee, e.is_grantable) g`,
  present: ANY_COLUMN_ACL,
  createPhase: Phase.createGrant,
  dropPhase: Phase.dropGrant,
};
