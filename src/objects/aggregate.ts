import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { commentOn, type ObjectKind, FUNCTION_KEY } from './object-kind.js';

const SIGNATURE = `format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))`;
/** An option of CREATE AGGREGATE when the catalog has it set (a 0 oid is "none"). */
const FUNCTION_OPTION = (name: string, column: string) =>
  `CASE WHEN a.${column} <> 0 THEN ', ${name} = ' || a.${column}::regproc::text ELSE '' END`;

/**
 * Aggregates (the plain kind: ordered-set and hypothetical-set aggregates stay unsupported), with
 * their state, final, combine, serial and moving-aggregate functions, initial conditions, sort
 * operator and parallel safety. Created after the functions they are made of.
 */
export const aggregates: ObjectKind = {
  kind: 'aggregate',
  query: `
SELECT ${FUNCTION_KEY('p', 'n')} AS name, NULL AS on_relation,
       array_remove(ARRAY[
         format('CREATE AGGREGATE %s (SFUNC = %s, STYPE = %s', ${SIGNATURE}, a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL))
           || CASE WHEN a.aggtransspace <> 0 THEN ', SSPACE = ' || a.aggtransspace ELSE '' END
           || ${FUNCTION_OPTION('FINALFUNC', 'aggfinalfn')}
           || CASE WHEN a.aggfinalextra THEN ', FINALFUNC_EXTRA' ELSE '' END
           || ${FUNCTION_OPTION('COMBINEFUNC', 'aggcombinefn')}
           || ${FUNCTION_OPTION('SERIALFUNC', 'aggserialfn')}
           || ${FUNCTION_OPTION('DESERIALFUNC', 'aggdeserialfn')}
           || coalesce(', INITCOND = ' || quote_literal(a.agginitval), '')
           || ${FUNCTION_OPTION('MSFUNC', 'aggmtransfn')}
           || ${FUNCTION_OPTION('MINVFUNC', 'aggminvtransfn')}
           || CASE WHEN a.aggmtranstype <> 0 THEN ', MSTYPE = ' || format_type(a.aggmtranstype, NULL) ELSE '' END
           || ${FUNCTION_OPTION('MFINALFUNC', 'aggmfinalfn')}
           || coalesce(', MINITCOND = ' || quote_literal(a.aggminitval), '')
           || CASE WHEN a.aggsortop <> 0 THEN ', SORTOP = ' || a.aggsortop::regoperator::text ELSE '' END
           || CASE p.proparallel WHEN 's' THEN ', PARALLEL = SAFE' WHEN 'r' THEN ', PARALLEL = RESTRICTED' ELSE '' END
           || ')',
         ${commentOn(`obj_description(p.oid, 'pg_proc')`, `'AGGREGATE ' || ${SIGNATURE}`)}], NULL) AS create_sql,
       format('DROP AGGREGATE %s', ${SIGNATURE}) AS drop_sql, NULL AS shape
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE a.aggkind = 'n' AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_proc', 'p.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_proc p WHERE p.prokind = 'a' AND p.pronamespace IN (SELECT n.oid FROM pg_namespace n WHERE ${USER_SCHEMA}))`,
  createPhase: Phase.createAggregate,
  dropPhase: Phase.dropAggregate,
};
