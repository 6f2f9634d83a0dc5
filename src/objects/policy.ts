import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { commentOn, REL_KEY, REL_SQL, USES, type ObjectKind } from './object-kind.js';

const ROLES = `(SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', '
                                  ORDER BY CASE WHEN r = 0 THEN '' ELSE pg_get_userbyid(r)::text END)
                  FROM unnest(p.polroles) r)`;
const COMMAND = `CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END`;

/** Row-level security policies, with every clause: permissive or restrictive, command, roles, USING and WITH CHECK. */
export const policies: ObjectKind = {
  kind: 'policy',
  query: `
SELECT ${REL_KEY} || '.' || p.polname AS name, ${REL_KEY} AS on_relation,
       array_remove(ARRAY[
         format('CREATE POLICY %I ON %s AS %s FOR %s TO %s', p.polname, ${REL_SQL},
                CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END, ${COMMAND}, ${ROLES})
           || coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
           || coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', ''),
         ${commentOn(`obj_description(p.oid, 'pg_policy')`, `format('POLICY %I ON %s', p.polname, ${REL_SQL})`)}], NULL) AS create_sql,
       format('DROP POLICY %I ON %s', p.polname, ${REL_SQL}) AS drop_sql, NULL AS shape, ${USES('pg_policy', 'p.oid')} AS uses
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_policy)`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  rebuiltWithReshapedTable: true,
  hasUses: true,
};
