/**
 * An object the differ compares by the SQL that creates it, as PostgreSQL prints it: equal text,
 * equal object. Its kind (src/objects) says where it goes in a migration.
 */
/**
 * How a function or aggregate is keyed: schema, name and argument types, without the parameters'
 * names (which CREATE OR REPLACE cannot change: a rename is the same object made again).
 */
export const FUNCTION_KEY = (p: string, n: string) =>
  `${n}.nspname || '.' || ${p}.proname || '(' || coalesce((SELECT string_agg(format_type(fa.t, NULL), ', ' ORDER BY fa.o) FROM unnest(${p}.proargtypes::oid[]) WITH ORDINALITY AS fa(t, o)), '') || ')'`;

export interface DefinedObject {
  /** One of the kinds in src/objects/object-kinds.ts, e.g. `trigger`, `policy`, `grant`. */
  kind: string;
  /** Unique within its kind, e.g. `public.micrograph.set_updated_at`. */
  name: string;
  /** The table or view it belongs to (`schema.name`), re-created with it; null for none. */
  on: string | null;
  /** The statements that create it (or, for a kind that can be replaced, set it in place). */
  create: string[];
  /** The statement that removes it. */
  drop: string;
  /**
   * For kinds replaced in place (CREATE OR REPLACE, SET): what must not change for that to work
   * (a function's arguments and result); a change of it drops and creates instead.
   */
  shape: string | null;
  /**
   * The types and functions it names, as PostgreSQL tracks them (`schema.name`,
   * `schema.name(arguments)`), for kinds that say: it is created after them, dropped before
   * them, and re-created around them when they are.
   */
  uses?: string[];
  /**
   * For kinds changed part by part (a composite type's attributes, in order): each part's name
   * and its SQL (`"name" type`), for ObjectKind.alter.
   */
  parts?: { name: string; sql: string }[];
}

/**
 * A kind of object the differ knows by its definition alone (see DefinedObject): one file per
 * kind in this folder, listed in object-kinds.ts. A kind says how to read every object of it
 * from the catalog and where its creation and removal go in a migration; the rest (diffing,
 * inverting, rendering, proving) is the same for all of them.
 */
export interface ObjectKind {
  /** As messages say it: `trigger`, `policy`, `grant` ... */
  kind: string;
  /**
   * A query giving one row per object: `name` (unique within the kind), `on_relation` (the
   * table or view it belongs to, `schema.name`, or null), `create_sql` (text[]), `drop_sql` and
   * `shape` (null unless the kind can be replaced in place). `$1` is the schemas left out.
   */
  query: string;
  /**
   * A cheap condition that holds when the database may have objects of the kind: introspection
   * asks it of every kind first and runs `query` only for those present (most schemas have few).
   */
  present: string;
  /** Where creating and dropping it go (objects/phases.ts). */
  createPhase: number;
  dropPhase: number;
  /**
   * Re-created around a change of its table's columns (a type change, a dropped column):
   * PostgreSQL refuses those changes under a policy, trigger, rule or statistics object using it.
   */
  rebuiltWithReshapedTable?: boolean;
  /** Changed in place by running its create statements when its shape stays (CREATE OR REPLACE, SET). */
  replaceable?: boolean;
  /** Its query has a `uses` column too: the types and functions the object names (USES below). */
  hasUses?: boolean;
  /** Its query has a `parts` column too: json [{ name, sql }] in order (DefinedObject.parts). */
  hasParts?: boolean;
  /**
   * Changes the object in place, part by part, where dropping it is refused because a table's
   * column keeps it (a composite type: ALTER TYPE ... DROP/ADD ATTRIBUTE): the statements from
   * `from` to `to`. Without it, such a change is refused.
   */
  alter?: (from: DefinedObject, to: DefinedObject) => string[];
}

/** `schema.name` of a relation `c` in namespace `n`, as the catalog's keys write it. */
export const REL_KEY = `n.nspname || '.' || c.relname`;
/** `"schema"."name"` of a relation `c` in namespace `n`, for SQL. */
export const REL_SQL = `format('%I.%I', n.nspname, c.relname)`;
/** What ALTER says before the name of relation `c`. */
export const REL_KEYWORD = `CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END`;

/** A COMMENT ON statement for the object when it has a comment, else NULL (array_remove drops it). */
export const commentOn = (description: string, target: string): string =>
  `CASE WHEN ${description} IS NOT NULL THEN format('COMMENT ON %s IS %L', ${target}, ${description}) END`;

/** Not made by PostgreSQL as part of another object (a range type's constructors and casts). */
export const NOT_INTERNAL = (classid: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = '${classid}'::regclass AND i.objid = ${oid} AND i.deptype = 'i')`;

/**
 * What an object (`classid`, `oid`) names, as PostgreSQL tracks it (pg_depend): the types (an
 * array's element type for an array) and functions, by their names (`schema.name`,
 * `schema.name(arguments)`), as a text[] for a kind's `uses` column; with `relations`, also the
 * tables and views whose columns it reads (a function's BEGIN ATOMIC body), as `relation
 * schema.name` (a relation's row type is named as a type, `schema.name`).
 */
export const USES = (classid: string, oid: string, relations = false): string => `
ARRAY(SELECT DISTINCT u.name FROM (
        SELECT CASE WHEN d.refclassid = 'pg_type'::regclass THEN
                 (SELECT un.nspname || '.' || ut.typname
                    FROM pg_type rt JOIN pg_type ut ON ut.oid = CASE WHEN rt.typcategory = 'A' AND rt.typelem <> 0 THEN rt.typelem ELSE rt.oid END
                    JOIN pg_namespace un ON un.oid = ut.typnamespace WHERE rt.oid = d.refobjid)
               WHEN d.refclassid = 'pg_class'::regclass THEN
                 (SELECT '${RELATION_USE}' || un.nspname || '.' || uc.relname
                    FROM pg_class uc JOIN pg_namespace un ON un.oid = uc.relnamespace WHERE uc.oid = d.refobjid)
               ELSE (SELECT ${FUNCTION_KEY('up', 'un')}
                       FROM pg_proc up JOIN pg_namespace un ON un.oid = up.pronamespace WHERE up.oid = d.refobjid) END AS name
          FROM pg_depend d
         WHERE d.classid = '${classid}'::regclass AND d.objid = ${oid} AND d.deptype = 'n'
           AND d.refclassid IN ('pg_type'::regclass, 'pg_proc'::regclass${relations ? ", 'pg_class'::regclass" : ''})) u
       WHERE u.name IS NOT NULL AND u.name NOT LIKE 'pg\\_catalog.%' ORDER BY 1)`;

/** How `uses` names a table or view whose columns an object reads (USES with `relations`). */
export const RELATION_USE = 'relation ';

/** What a kind whose objects belong to a table or view says of them (relationObjectsQuery). */
export interface RelationObjects {
  /** The catalog the objects are in, with its alias (`pg_trigger t`), and any join it needs first. */
  from: string;
  /** The column of `from` holding the oid of the relation the object belongs to (`t.tgrelid`). */
  relation: string;
  /** What SQL calls the object (`TRIGGER`, `STATISTICS`) and its own name's column (`t.tgname`). */
  keyword: string;
  name: string;
  /**
   * The schema's column when the object has a schema of its own (an index, statistics): it is
   * then named `schema.name`; without one it is named on its relation (`TRIGGER t ON s.table`).
   */
  schema?: string;
  /** The statements that create it, NULL ones left out; COMMENT ON follows them when it has a comment. */
  create: string[];
  /** Its comment (`obj_description(t.oid, 'pg_trigger')`). */
  description: string;
  /** The statement that drops it, when not `DROP <keyword> <it>`. */
  drop?: string;
  /** A `uses` column (USES), for a kind with hasUses. */
  uses?: string;
  /** Which rows are objects of the kind. */
  where: string;
}

/**
 * The query of a kind whose objects each belong to a table or view (`c`, in namespace `n`):
 * triggers, policies, rules, statistics, a partition's own indexes and constraints. One
 * template, so that their rows have one shape (ObjectKind.query) and each is named, commented
 * and dropped by one rule.
 *
 * @example query: relationObjectsQuery({ from: 'pg_trigger t', relation: 't.tgrelid', keyword: 'TRIGGER', name: 't.tgname', ... })
 */
export function relationObjectsQuery(q: RelationObjects): string {
  const [key, it] = q.schema
    ? [`${q.schema} || '.' || ${q.name}`, `format('%I.%I', ${q.schema}, ${q.name})`]
    : [`${REL_KEY} || '.' || ${q.name}`, `format('%I ON %s', ${q.name}, ${REL_SQL})`];
  const create = [...q.create, commentOn(q.description, `'${q.keyword} ' || ${it}`)];
  return `
SELECT ${key} AS name, ${REL_KEY} AS on_relation,
       array_remove(ARRAY[
         ${create.join(',\n         ')}], NULL) AS create_sql,
       ${q.drop ?? `'DROP ${q.keyword} ' || ${it}`} AS drop_sql, NULL AS shape${q.uses ? `, ${q.uses} AS uses` : ''}
  FROM ${q.from}
  JOIN pg_class c ON c.oid = ${q.relation}
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${q.where}`;
}
