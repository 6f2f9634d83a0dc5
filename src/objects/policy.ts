import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { REL_SQL, relationObjectsQuery, USES, type ObjectKind } from './object-kind.js';

const ROLES = `(SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', '
                                  ORDER BY CASE WHEN r = 0 THEN '' ELSE pg_get_userbyid(r)::text END)
                  FROM unnest(p.polroles) r)`;
const COMMAND = `CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END`;

/** Row-level security policies, with every clause: permissive or restrictive, command, roles, USING and WITH CHECK. */
export const policies: ObjectKind = {
  kind: 'policy',
  query: relationObjectsQuery({
    from: 'pg_policy p',
    relation: 'p.polrelid',
    keyword: 'POLICY',
    name: 'p.polname',
    create: [
      `format('CREATE POLICY %I ON %s AS %s FOR %s TO %s', p.polname, ${REL_SQL},
              CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END, ${COMMAND}, ${ROLES})
         || coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
         || coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')`,
    ],
    description: `obj_description(p.oid, 'pg_policy')`,
    uses: USES('pg_policy', 'p.oid'),
    where: `${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  }),
  present: `EXISTS (SELECT 1 FROM pg_policy)`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  rebuiltWithReshapedTable: true,
  hasUses: true,
};
