import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { relationObjectsQuery, USES, type ObjectKind } from './object-kind.js';

const TARGET = `coalesce(s.stxstattarget::int, -1)`;

/** Extended statistics (CREATE STATISTICS), with their statistics target. */
export const statistics: ObjectKind = {
  kind: 'statistics',
  query: relationObjectsQuery({
    from: 'pg_statistic_ext s JOIN pg_namespace sn ON sn.oid = s.stxnamespace',
    relation: 's.stxrelid',
    keyword: 'STATISTICS',
    schema: 'sn.nspname',
    name: 's.stxname',
    create: [
      'pg_get_statisticsobjdef(s.oid)',
      `CASE WHEN ${TARGET} >= 0 THEN format('ALTER STATISTICS %I.%I SET STATISTICS %s', sn.nspname, s.stxname, ${TARGET}) END`,
    ],
    description: `obj_description(s.oid, 'pg_statistic_ext')`,
    where: `${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  }),
  present: `EXISTS (SELECT 1 FROM pg_statistic_ext)`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  rebuiltWithReshapedTable: true,
};

/** Rewrite rules (CREATE RULE), but the ones that make a view a view. */
export const rules: ObjectKind = {
  kind: 'rule',
  query: relationObjectsQuery({
    from: 'pg_rewrite r',
    relation: 'r.ev_class',
    keyword: 'RULE',
    name: 'r.rulename',
    create: [`rtrim(pg_get_ruledef(r.oid), ';')`],
    description: `obj_description(r.oid, 'pg_rewrite')`,
    uses: USES('pg_rewrite', 'r.oid'),
    where: `r.rulename <> '_RETURN' AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  }),
  present: `EXISTS (SELECT 1 FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE r.rulename <> '_RETURN' AND ${USER_SCHEMA})`,
  createPhase: Phase.createAttached,
  dropPhase: Phase.dropAttached,
  rebuiltWithReshapedTable: true,
  hasUses: true,
};
