import type { Catalog } from '../catalog/catalog.js';
import { quoteQualified } from '../sql/quote.js';

/**
 * What turns a database built from one list of model statements into what another list builds,
 * table by table: every table whose CREATE TABLE, index or foreign key statements changed, or
 * that uses an enum whose CREATE TYPE changed, is dropped and made again from the new list, with
 * its indexes and every foreign key from or to it; a changed enum is dropped (after its tables)
 * and made again. Made again whole, never altered in place, so columns and labels come in the
 * order a new database gives.
 */
export interface ModelDelta {
  /** `schema.name` of the tables dropped and (those the new list still has) made again. */
  touched: Set<string>;
  /** `schema.name` of the enums dropped and (those the new list still has) made again. */
  types: Set<string>;
  /** DROP TABLE ... CASCADE for each touched table the old list made, then DROP TYPE for each changed enum. */
  drops: string[];
  /** The new list's statements for the changed enums and the touched tables, in the new list's order. */
  runs: string[];
}

/** One statement of drizzle-kit's DDL that names the table or enum it belongs to, or null for any other. */
type Parsed =
  | { kind: 'enum'; type: string }
  | { kind: 'table'; table: string }
  | { kind: 'index'; table: string }
  | { kind: 'foreign'; table: string; references: string };

const IDENT = '"([^"]+)"';
const QUALIFIED = `(?:${IDENT}\\.)?${IDENT}`;
const ENUM = new RegExp(`^CREATE TYPE ${QUALIFIED} AS ENUM\\(`);
const TABLE = new RegExp(`^CREATE TABLE ${QUALIFIED} \\(`);
const INDEX = new RegExp(`^CREATE (?:UNIQUE )?INDEX ${IDENT} ON ${QUALIFIED} USING `);
const FOREIGN = new RegExp(
  `^ALTER TABLE ${QUALIFIED} ADD CONSTRAINT ${IDENT} FOREIGN KEY \\([^;]*?\\) REFERENCES ${QUALIFIED}\\(`,
);

const key = (schema: string | undefined, name: string) => `${schema ?? 'public'}.${name}`;

/** The statement's kind and table or enum, as drizzle-kit writes them (quoted, `;` at the end), or null. */
export function parseModelStatement(sql: string): Parsed | null {
  if (!sql.endsWith(';') || sql.slice(0, -1).includes(';')) return null;
  let m = ENUM.exec(sql);
  if (m) return { kind: 'enum', type: key(m[1], m[2]!) };
  m = TABLE.exec(sql);
  if (m) return { kind: 'table', table: key(m[1], m[2]!) };
  m = INDEX.exec(sql);
  if (m) return { kind: 'index', table: key(m[2], m[3]!) };
  m = FOREIGN.exec(sql);
  if (m) return { kind: 'foreign', table: key(m[1], m[2]!), references: key(m[4], m[5]!) };
  return null;
}

/**
 * The delta from a database built by `before` to what `after` builds, or null when it cannot be
 * told safely: a changed statement of another kind (a sequence, a view, model-extras.sql ...), a
 * touched table or changed enum named by any statement outside its own (a view, a trigger, an
 * OWNED BY, a function), a statement repeated, or so many tables touched that building anew costs
 * no more.
 *
 * @example const delta = modelDelta(keptStatements, statements); // null: build on a new database
 */
export function modelDelta(before: readonly string[], after: readonly string[]): ModelDelta | null {
  const old = new Set(before);
  const now = new Set(after);
  if (old.size !== before.length || now.size !== after.length) return null;
  const parsed = new Map([...old, ...now].map((sql) => [sql, parseModelStatement(sql)]));
  const touched = new Set<string>();
  const types = new Set<string>();
  for (const sql of [...before.filter((s) => !now.has(s)), ...after.filter((s) => !old.has(s))]) {
    const p = parsed.get(sql);
    if (!p) return null;
    if (p.kind === 'enum') types.add(p.type);
    else touched.add(p.table);
  }
  // A table that uses a changed enum, in either list, goes before the enum and comes back after it.
  const usesChangedEnum = mentioning(types);
  for (const [sql, p] of parsed) if (p?.kind === 'table' && usesChangedEnum(sql)) touched.add(p.table);
  const tables = after.filter((sql) => parsed.get(sql)?.kind === 'table').length;
  if (touched.size > Math.max(8, tables / 2)) return null;
  const belongs = (p: Parsed | null | undefined) =>
    !!p &&
    (p.kind === 'enum'
      ? types.has(p.type)
      : touched.has(p.table) || (p.kind === 'foreign' && touched.has(p.references)));
  const namesChanged = mentioning(new Set([...touched, ...types]));
  if (after.some((sql) => !belongs(parsed.get(sql)) && namesChanged(sql))) return null;
  const madeBefore = new Set(
    before.flatMap((sql) => {
      const p = parsed.get(sql);
      return p?.kind === 'enum' ? [p.type] : p?.kind === 'table' ? [p.table] : [];
    }),
  );
  const drop = (what: string, names: Set<string>, cascade: string) =>
    [...names]
      .filter((t) => madeBefore.has(t))
      .map((t) => {
        const dot = t.indexOf('.');
        return `DROP ${what} IF EXISTS ${quoteQualified(t.slice(0, dot), t.slice(dot + 1))}${cascade};`;
      });
  return {
    touched,
    types,
    drops: [...drop('TABLE', touched, ' CASCADE'), ...drop('TYPE', types, '')],
    runs: after.filter((sql) => belongs(parsed.get(sql))),
  };
}

/**
 * Whether a statement may name any of the tables or types `objects` (`schema.name`): the name as
 * a word, quoted or not, in any case. One expression for them all, made once.
 */
function mentioning(objects: ReadonlySet<string>): (sql: string) => boolean {
  if (objects.size === 0) return () => false;
  const names = [...objects].map((o) => o.slice(o.indexOf('.') + 1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w$])(?:${names.join('|')})(?![\\w$])`, 'i');
  return (sql) => pattern.test(sql);
}

/**
 * Whether two catalogs are the same but for what the delta made again: the touched tables (and
 * what belongs to them: their sequences, their objects) and the changed enums. Anything else that
 * differs (the kept database was changed, or the delta did more than it should) fails it.
 */
export function sameOutsideTouched(
  before: Catalog,
  after: Catalog,
  delta: Pick<ModelDelta, 'touched' | 'types'>,
): boolean {
  const { touched, types } = delta;
  const touchedNames = new Set([...touched].map((t) => t.slice(t.indexOf('.') + 1)));
  const strip = (c: Catalog) => ({
    ...c,
    enums: c.enums.filter((e) => !types.has(`${e.schema}.${e.name}`)),
    tables: c.tables.filter((t) => !touched.has(`${t.schema}.${t.name}`)),
    // OWNED BY names the table without its schema.
    sequences: c.sequences.filter((s) => !(s.ownedBy && touchedNames.has(s.ownedBy.table))),
    objects: c.objects.filter((o) => !(o.on && touched.has(o.on))),
  });
  return JSON.stringify(strip(before)) === JSON.stringify(strip(after));
}

/**
 * A name PostgreSQL chose with a number after it (`t_pkey1`, `t_id_seq1`): it does so only when
 * the plain name was taken, which depends on what existed when the object was made, so a
 * database built piecewise could differ there from a new one. Such a catalog is built anew.
 */
export function hasNumberedDefaultNames(catalog: Catalog): boolean {
  const numbered = /_(?:pkey|key|seq|fkey|check|idx|excl)\d+$/;
  return (
    catalog.sequences.some((s) => numbered.test(s.name)) ||
    catalog.tables.some(
      (t) =>
        t.constraints.some((c) => numbered.test(c.name)) ||
        t.foreignKeys.some((c) => numbered.test(c.name)) ||
        t.indexes.some((i) => numbered.test(i.name)) ||
        t.columns.some((c) => c.identity !== null && numbered.test(c.identity.sequence)),
    )
  );
}
