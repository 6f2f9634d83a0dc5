import { USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { GRANTEE, GRANTEE_NAME } from './grant.js';
import type { ObjectKind } from './object-kind.js';

/**
 * The default privileges of objects not made yet (pg_default_acl), beside the defaults: for all
 * schemas the list replaces acldefault, so an entry is one granted beyond it or one revoked from
 * it (REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC); for one schema it only adds. The creating role's
 * own entry is left out. A list of the role that reads the catalog (the one that runs the
 * migrations, so the scratch database's and the deployment's) is written without FOR ROLE, so
 * that who owns the objects stays the deployment's, as with grants.
 */
export const DEFAULT_ACLS = `
SELECT d.defaclrole AS owner, d.defaclacl AS acl,
       CASE WHEN d.defaclnamespace = 0
            THEN acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END::"char", d.defaclrole)
            END AS defaults,
       CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                            WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' END AS keyword,
       CASE WHEN d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN ''
            ELSE format(' FOR ROLE %I', pg_get_userbyid(d.defaclrole)) END
         || CASE WHEN d.defaclnamespace = 0 THEN '' ELSE format(' IN SCHEMA %I', n.nspname) END AS scope,
       CASE WHEN d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN ''
            ELSE ' for role ' || pg_get_userbyid(d.defaclrole) END
         || CASE WHEN d.defaclnamespace = 0 THEN '' ELSE ' in schema ' || n.nspname END AS scope_name
  FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
 WHERE d.defaclnamespace = 0 OR ${USER_SCHEMA}`;

/** Entries of `from` that `than` lacks, one row per list, grantee and grant option. */
const entries = (from: string, than: string, granted: boolean) => `
SELECT a.keyword, a.scope, a.scope_name, ${GRANTEE} AS grantee, ${GRANTEE_NAME} AS grantee_name, e.is_grantable,
       string_agg(e.privilege_type, ', ' ORDER BY e.privilege_type) AS privileges, ${granted} AS granted
  FROM acls a, aclexplode(${from}) e
 WHERE e.grantee <> a.owner
   AND NOT EXISTS (SELECT 1 FROM aclexplode(${than}) x
                    WHERE x.grantee = e.grantee AND x.privilege_type = e.privilege_type AND x.is_grantable = e.is_grantable)
 GROUP BY a.keyword, a.scope, a.scope_name, e.grantee, e.is_grantable`;

const GRANT = `format('ALTER DEFAULT PRIVILEGES%s GRANT %s ON %s TO %s%s', scope, privileges, keyword, grantee,
                      CASE WHEN is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)`;
const REVOKE = `format('ALTER DEFAULT PRIVILEGES%s REVOKE %s ON %s FROM %s', scope, privileges, keyword, grantee)`;

/** ALTER DEFAULT PRIVILEGES: what the application's role may do with the tables migrations make later. */
export const defaultPrivileges: ObjectKind = {
  kind: 'default privilege',
  query: `
WITH acls AS (${DEFAULT_ACLS})
SELECT 'default ' || privileges || ' on ' || lower(keyword) || scope_name
         || CASE WHEN granted THEN ' to ' ELSE ' revoked from ' END || grantee_name
         || CASE WHEN is_grantable THEN ' with grant option' ELSE '' END AS name,
       NULL AS on_relation,
       ARRAY[CASE WHEN granted THEN ${GRANT} ELSE ${REVOKE} END] AS create_sql,
       CASE WHEN granted THEN ${REVOKE} ELSE ${GRANT} END AS drop_sql, NULL AS shape
  FROM (${entries('coalesce(a.acl, a.defaults)', 'a.defaults', true)}
        UNION ALL ${entries('a.defaults', 'coalesce(a.acl, a.defaults)', false)}) g`,
  present: `EXISTS (SELECT 1 FROM pg_default_acl)`,
  createPhase: Phase.createGrant,
  dropPhase: Phase.dropGrant,
};
