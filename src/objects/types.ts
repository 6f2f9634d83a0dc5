import { NOT_EXTENSION, USER_SCHEMA } from '../sql/catalog-filters.js';
import { Phase } from './phases.js';
import { quoteIdent } from '../sql/quote.js';
import { commentOn, USES, type ObjectKind } from './object-kind.js';

const TYPE_KEY = `n.nspname || '.' || t.typname`;
const TYPE_SQL = `format('%I.%I', n.nspname, t.typname)`;
const COMMENT = (keyword: string) => commentOn(`obj_description(t.oid, 'pg_type')`, `'${keyword} ' || ${TYPE_SQL}`);
const COLLATE = (collation: string, typeCollation: string) =>
  `CASE WHEN ${collation} <> 0 AND ${collation} <> ${typeCollation} THEN ' COLLATE ' || ${collation}::regcollation::text ELSE '' END`;

const DOMAINS = `pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype = 'd' AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_type', 't.oid')}`;
const DOMAINS_PRESENT = `EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND ${USER_SCHEMA})`;

/**
 * Domains: the type and collation (changing either means a new domain); their default, NOT NULL
 * and each named check are kinds of their own, changed with ALTER DOMAIN, so a domain columns
 * use keeps them while its rules change.
 */
export const domains: ObjectKind = {
  kind: 'domain',
  query: `
SELECT ${TYPE_KEY} AS name, NULL AS on_relation,
       array_remove(ARRAY[
         format('CREATE DOMAIN %s AS %s', ${TYPE_SQL}, format_type(t.typbasetype, t.typtypmod))
           || ${COLLATE('t.typcollation', 'bt.typcollation')},
         ${COMMENT('DOMAIN')}], NULL) AS create_sql,
       format('DROP DOMAIN %s', ${TYPE_SQL}) AS drop_sql, NULL AS shape, ${USES('pg_type', 't.oid')} AS uses
  FROM pg_type bt, ${DOMAINS} AND bt.oid = t.typbasetype`,
  present: DOMAINS_PRESENT,
  createPhase: Phase.createDomain,
  dropPhase: Phase.dropDomain,
  hasUses: true,
};

/** A domain's named CHECK (or NOT NULL) constraint. */
export const domainConstraints: ObjectKind = {
  kind: 'domain constraint',
  query: `
SELECT ${TYPE_KEY} || '.' || k.conname AS name, NULL AS on_relation,
       ARRAY[format('ALTER DOMAIN %s ADD CONSTRAINT %I %s', ${TYPE_SQL}, k.conname, pg_get_constraintdef(k.oid))] AS create_sql,
       format('ALTER DOMAIN %s DROP CONSTRAINT %I', ${TYPE_SQL}, k.conname) AS drop_sql, NULL AS shape,
       ${USES('pg_constraint', 'k.oid')} AS uses
  FROM pg_constraint k, ${DOMAINS} AND k.contypid = t.oid AND k.contype = 'c'`,
  present: DOMAINS_PRESENT,
  createPhase: Phase.createDomainPart,
  dropPhase: Phase.dropDomainPart,
  hasUses: true,
};

/**
 * A setting of a domain, made by one ALTER DOMAIN and undone by another; `set` is an SQL
 * expression giving the action (it may read the domain's row `t`).
 */
const domainPart = (kind: string, where: string, set: string, unset: string, replaceable = false): ObjectKind => ({
  kind,
  query: `
SELECT ${TYPE_KEY} AS name, NULL AS on_relation,
       ARRAY[format('ALTER DOMAIN %s %s', ${TYPE_SQL}, ${set})] AS create_sql,
       format('ALTER DOMAIN %s ${unset}', ${TYPE_SQL}) AS drop_sql, ${replaceable ? "''" : 'NULL'} AS shape
  FROM ${DOMAINS} AND ${where}`,
  present: DOMAINS_PRESENT,
  createPhase: Phase.createDomainPart,
  dropPhase: Phase.dropDomainPart,
  replaceable,
});

/** A domain's default, set in place. */
export const domainDefaults = domainPart(
  'domain default',
  't.typdefault IS NOT NULL',
  `'SET DEFAULT ' || t.typdefault`,
  'DROP DEFAULT',
  true,
);

/** NOT NULL on a domain. */
export const domainNotNull = domainPart('domain not null', 't.typnotnull', `'SET NOT NULL'`, 'DROP NOT NULL');

const ATTRIBUTE_SQL = `format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)) || ${COLLATE('a.attcollation', 'at.typcollation')}`;
const ATTRIBUTES = `pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
                           WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped`;

/**
 * Composite types (CREATE TYPE ... AS (...)). One a table's column keeps is changed in place
 * (alter): the attributes after the last one both sides share are dropped and the new ones
 * added, which keeps the values of those before (PostgreSQL drops and adds attributes under a
 * column, but will not change an attribute's type there).
 */
export const compositeTypes: ObjectKind = {
  kind: 'composite type',
  query: `
SELECT ${TYPE_KEY} AS name, NULL AS on_relation,
       array_remove(ARRAY[
         format('CREATE TYPE %s AS (%s)', ${TYPE_SQL},
                coalesce((SELECT string_agg(${ATTRIBUTE_SQL}, ', ' ORDER BY a.attnum) FROM ${ATTRIBUTES}), '')),
         ${COMMENT('TYPE')}], NULL) AS create_sql,
       format('DROP TYPE %s', ${TYPE_SQL}) AS drop_sql, NULL AS shape, ${USES('pg_class', 'c.oid')} AS uses,
       (SELECT coalesce(json_agg(json_build_object('name', a.attname, 'sql', ${ATTRIBUTE_SQL}) ORDER BY a.attnum), '[]')
          FROM ${ATTRIBUTES}) AS parts
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
 WHERE t.typtype = 'c' AND c.relkind = 'c' AND ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_type', 't.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'c' AND ${USER_SCHEMA})`,
  createPhase: Phase.createType,
  dropPhase: Phase.dropType,
  hasUses: true,
  hasParts: true,
  alter: (from, to) => {
    const type = to.drop.replace(/^DROP TYPE /, '');
    const [a, b] = [from.parts ?? [], to.parts ?? []];
    let shared = 0;
    while (shared < a.length && shared < b.length && a[shared]!.sql === b[shared]!.sql) shared++;
    const [was, now] = [from.create.slice(1), to.create.slice(1)];
    const comment =
      JSON.stringify(was) === JSON.stringify(now) ? [] : now.length ? now : [`COMMENT ON TYPE ${type} IS NULL`];
    return [
      ...a
        .slice(shared)
        .reverse()
        .map((p) => `ALTER TYPE ${type} DROP ATTRIBUTE ${quoteIdent(p.name)}`),
      ...b.slice(shared).map((p) => `ALTER TYPE ${type} ADD ATTRIBUTE ${p.sql}`),
      ...comment,
    ];
  },
};

/** Range types, with their subtype difference function and collation. */
export const rangeTypes: ObjectKind = {
  kind: 'range type',
  query: `
SELECT ${TYPE_KEY} AS name, NULL AS on_relation,
       array_remove(ARRAY[
         format('CREATE TYPE %s AS RANGE (SUBTYPE = %s%s%s)', ${TYPE_SQL}, format_type(r.rngsubtype, NULL),
                CASE WHEN r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text ELSE '' END,
                CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
                     THEN ', COLLATION = ' || r.rngcollation::regcollation::text ELSE '' END),
         ${COMMENT('TYPE')}], NULL) AS create_sql,
       format('DROP TYPE %s', ${TYPE_SQL}) AS drop_sql, NULL AS shape, ${USES('pg_type', 't.oid')} AS uses
  FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_type st ON st.oid = r.rngsubtype
 WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_type', 't.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'r' AND ${USER_SCHEMA})`,
  createPhase: Phase.createType,
  dropPhase: Phase.dropType,
  hasUses: true,
};

/** Collations the schema defines (ICU or libc), for the columns that name them. */
export const collations: ObjectKind = {
  kind: 'collation',
  query: `
SELECT n.nspname || '.' || co.collname AS name, NULL AS on_relation,
       ARRAY[format('CREATE COLLATION %I.%I (provider = %s, %s, deterministic = %s)', n.nspname, co.collname,
                    CASE co.collprovider WHEN 'i' THEN 'icu' ELSE 'libc' END,
                    CASE WHEN co.collprovider = 'i'
                         THEN format('locale = %L', coalesce(to_jsonb(co) ->> 'colliculocale', to_jsonb(co) ->> 'colllocale'))
                         ELSE format('lc_collate = %L, lc_ctype = %L', co.collcollate, co.collctype) END,
                    CASE WHEN co.collisdeterministic THEN 'true' ELSE 'false' END)] AS create_sql,
       format('DROP COLLATION %I.%I', n.nspname, co.collname) AS drop_sql, NULL AS shape
  FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
 WHERE ${USER_SCHEMA} AND ${NOT_EXTENSION('pg_collation', 'co.oid')}`,
  present: `EXISTS (SELECT 1 FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE ${USER_SCHEMA})`,
  createPhase: Phase.createCollation,
  dropPhase: Phase.dropCollation,
};
