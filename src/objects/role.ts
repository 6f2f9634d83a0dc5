import { USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { ACLS, ANY_ACL, ANY_COLUMN_ACL, COLUMN_ACLS } from './grant.js';
import { DEFAULT_ACLS } from './default-privilege.js';
import type { ObjectKind } from './object-kind.js';

/** Every role the schema names: in a policy, or in the access lists the grants and default privileges are read from (but owners). */
const USED = `
SELECT unnest(p.polroles) AS role
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMA}
UNION
SELECT e.grantee FROM (${ACLS}) a, aclexplode(a.acl) e WHERE e.grantee <> a.owner
UNION
SELECT e.grantee FROM (${COLUMN_ACLS}) a, aclexplode(a.acl) e WHERE e.grantee <> a.owner
UNION
SELECT e.grantee FROM (${DEFAULT_ACLS}) a, aclexplode(a.acl) e WHERE e.grantee <> a.owner`;

const ATTRIBUTES = `CASE WHEN r.rolcreatedb THEN ' CREATEDB' ELSE '' END || CASE WHEN r.rolcreaterole THEN ' CREATEROLE' ELSE '' END
  || CASE WHEN r.rolinherit THEN '' ELSE ' NOINHERIT' END`;

/**
 * The roles the schema's policies and grants name (Drizzle's pgRole, the application's role of
 * a deployment that does not own its tables). Roles are the cluster's, shared by its databases:
 * a migration creates one only when it is missing, and never drops one (its down says so).
 */
export const roles: ObjectKind = {
  kind: 'role',
  query: `
SELECT r.rolname::text AS name, NULL AS on_relation,
       ARRAY[format('DO $smartem_role$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %L) THEN CREATE ROLE %I%s; END IF; END $smartem_role$',
                    r.rolname, r.rolname, ${ATTRIBUTES})] AS create_sql,
       format('DO $smartem_role$ BEGIN RAISE NOTICE %L; END $smartem_role$',
              format('role %s kept: roles belong to the cluster, other databases may use it', r.rolname)) AS drop_sql,
       NULL AS shape
  FROM (${USED}) used JOIN pg_roles r ON r.oid = used.role
 WHERE r.oid >= 16384`,
  present: `EXISTS (SELECT 1 FROM pg_policy) OR EXISTS (SELECT 1 FROM pg_default_acl) OR ${ANY_ACL} OR ${ANY_COLUMN_ACL}`,
  createPhase: Phase.createRole,
  dropPhase: Phase.dropRole,
};
