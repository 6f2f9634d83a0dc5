import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { commentOn, NOT_INTERNAL, USES, type ObjectKind, FUNCTION_KEY } from './object-kind.js';

const KEYWORD = `CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END`;
const SIGNATURE = `format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))`;

/**
 * A SQL function's body (a string, not BEGIN ATOMIC) names tables and views PostgreSQL does not
 * track: it is created without checking them, as pg_dump does, so it may come before the views it
 * reads (and be re-created in a down migration before them).
 */
const UNCHECKED_BODY = `CASE WHEN l.lanname = 'sql' AND p.prosqlbody IS NULL`;

/**
 * Functions and procedures, compared by pg_get_functiondef's text (a CREATE OR REPLACE). A
 * changed body is replaced in place, so triggers and defaults using it stay; a changed signature
 * or result is a drop and a create.
 */
export const functions: ObjectKind = {
  kind: 'function',
  query: `
SELECT ${FUNCTION_KEY('p', 'n')} AS name,
       NULL AS on_relation,
       array_remove(ARRAY[${UNCHECKED_BODY} THEN 'SET check_function_bodies = off' END,
                          rtrim(pg_get_functiondef(p.oid), E'\\n'),
                          ${UNCHECKED_BODY} THEN 'RESET check_function_bodies' END,
                          ${commentOn(`obj_description(p.oid, 'pg_proc')`, `${KEYWORD} || ' ' || ${SIGNATURE}`)}], NULL) AS create_sql,
       format('DROP %s %s', ${KEYWORD}, ${SIGNATURE}) AS drop_sql,
       ${KEYWORD} || ' ' || pg_get_function_arguments(p.oid) || ' -> ' || coalesce(pg_get_function_result(p.oid), '') AS shape,
       ${USES('pg_proc', 'p.oid', true)} AS uses
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
 WHERE p.prokind IN ('f', 'p') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_proc', 'p.oid')} AND ${NOT_INTERNAL('pg_proc', 'p.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_proc p WHERE p.prokind IN ('f', 'p') AND p.pronamespace IN (SELECT n.oid FROM pg_namespace n WHERE ${USER_SCHEMA}))`,
  createPhase: Phase.createFunction,
  dropPhase: Phase.dropFunction,
  replaceable: true,
  hasUses: true,
};
