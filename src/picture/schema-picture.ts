import type { Catalog, Column, Table } from '../catalog/catalog.js';
import { keyOf } from '../catalog/qualified-name.js';

// Short names for the types PostgreSQL spells in words, for pictures where width is dear.
const SHORT_TYPES: [RegExp, string][] = [
  [/^character varying/, 'varchar'],
  [/^character\b/, 'char'],
  [/^timestamp without time zone/, 'timestamp'],
  [/^timestamp with time zone/, 'timestamptz'],
  [/^time without time zone/, 'time'],
  [/^double precision/, 'float8'],
];

/** `character varying(40)` as `varchar(40)`, `double precision` as `float8`. */
export const shortType = (type: string): string =>
  SHORT_TYPES.reduce((t, [pattern, word]) => t.replace(pattern, word), type);

/** What happened to a table, column or foreign key between two catalogs (all `same` for one). */
export type Change = 'same' | 'added' | 'removed' | 'changed';

export interface PictureColumn {
  name: string;
  type: string;
  notNull: boolean;
  primaryKey: boolean;
  /** The table its foreign key references, when it is one column of one. */
  references: string | null;
  change: Change;
  /** For a changed column: how it was (`integer, null`). */
  was?: string;
}

export interface PictureTable {
  /** `schema.name`. */
  key: string;
  schema: string;
  name: string;
  columns: PictureColumn[];
  /** The table's indexes but its primary key's, each with its columns, for the diagram's foot. */
  indexes: { name: string; columns: string[]; unique: boolean; change: Change }[];
  change: Change;
}

export interface PictureEdge {
  /** The referencing table's key. */
  from: string;
  /** The referenced table's key. */
  to: string;
  columns: string[];
  change: Change;
}

/** A schema as a diagram sees it: tables with their columns and keys, foreign keys as edges, enums. */
export interface SchemaPicture {
  tables: PictureTable[];
  edges: PictureEdge[];
  enums: { key: string; values: string[]; change: Change }[];
}

/**
 * The picture of `after`, or of what changes from `before` to `after`: every table and column of
 * either, each marked added, removed, changed or the same. Sorted by name, so the same catalogs
 * give the same picture, byte for byte, wherever it is drawn.
 *
 * @example const picture = schemaPicture(await introspect(session));
 */
export function schemaPicture(after: Catalog, before: Catalog = after): SchemaPicture {
  const beforeTables = new Map(before.tables.map((t) => [keyOf(t), t]));
  const afterTables = new Map(after.tables.map((t) => [keyOf(t), t]));
  const keys = [...new Set([...beforeTables.keys(), ...afterTables.keys()])].sort();
  const tables = keys.map((key) => tableOf(beforeTables.get(key), afterTables.get(key)));

  const edgeKey = (e: PictureEdge) => `${e.from}\u0000${e.to}\u0000${e.columns.join(',')}`;
  const edgesOf = (catalog: Catalog) =>
    new Map(
      catalog.tables.flatMap((t) =>
        t.foreignKeys
          .filter((fk) => fk.references)
          .map((fk): [string, PictureEdge] => {
            const edge = {
              from: keyOf(t),
              to: keyOf({ schema: fk.references!.schema, name: fk.references!.table }),
              columns: fk.columns,
              change: 'same' as Change,
            };
            return [edgeKey(edge), edge];
          }),
      ),
    );
  const [beforeEdges, afterEdges] = [edgesOf(before), edgesOf(after)];
  const edges = [...new Set([...beforeEdges.keys(), ...afterEdges.keys()])].sort().map((k) => {
    const edge = (afterEdges.get(k) ?? beforeEdges.get(k))!;
    return { ...edge, change: changeOf(beforeEdges.has(k), afterEdges.has(k), false) };
  });

  const enumValues = (catalog: Catalog) => new Map(catalog.enums.map((e) => [keyOf(e), e.values]));
  const [beforeEnums, afterEnums] = [enumValues(before), enumValues(after)];
  const enums = [...new Set([...beforeEnums.keys(), ...afterEnums.keys()])].sort().map((key) => {
    const [b, a] = [beforeEnums.get(key), afterEnums.get(key)];
    return {
      key,
      values: a ?? b!,
      change: changeOf(Boolean(b), Boolean(a), Boolean(a && b && a.join('\u0000') !== b.join('\u0000'))),
    };
  });
  return { tables, edges, enums };
}

function changeOf(before: boolean, after: boolean, differs: boolean): Change {
  if (!before) return 'added';
  if (!after) return 'removed';
  return differs ? 'changed' : 'same';
}

function tableOf(before: Table | undefined, after: Table | undefined): PictureTable {
  const table = (after ?? before)!;
  const beforeColumns = new Map((before?.columns ?? []).map((c) => [c.name, c]));
  const afterColumns = new Map((after?.columns ?? []).map((c) => [c.name, c]));
  // The table's own order for what it has now, then what it lost.
  const names = [
    ...(after?.columns ?? []).map((c) => c.name),
    ...(before?.columns ?? []).map((c) => c.name).filter((n) => !afterColumns.has(n)),
  ];
  const columns = names.map((name) =>
    columnOf(name, beforeColumns.get(name), afterColumns.get(name), after ?? before!),
  );
  const shape = (t: Table | undefined) =>
    t && JSON.stringify([t.constraints, t.foreignKeys, t.indexes.map((i) => i.definition), t.partitionBy]);
  const differs =
    Boolean(before && after) && (columns.some((c) => c.change !== 'same') || shape(before) !== shape(after));
  return {
    key: keyOf(table),
    schema: table.schema,
    name: table.name,
    columns,
    indexes: indexesOf(before, after),
    change: changeOf(Boolean(before), Boolean(after), differs),
  };
}

function indexesOf(before: Table | undefined, after: Table | undefined): PictureTable['indexes'] {
  const primary = (t: Table | undefined) => t?.constraints.find((k) => k.kind === 'primary')?.name;
  const of = (t: Table | undefined) =>
    new Map((t?.indexes ?? []).filter((i) => i.name !== primary(t)).map((i) => [i.name, i]));
  const [b, a] = [of(before), of(after)];
  return [...new Set([...b.keys(), ...a.keys()])].sort().map((name) => {
    const index = (a.get(name) ?? b.get(name))!;
    const differs = a.has(name) && b.has(name) && a.get(name)!.definition !== b.get(name)!.definition;
    return {
      name,
      columns: index.columns,
      unique: index.unique,
      change: !before || !after ? 'same' : changeOf(b.has(name), a.has(name), differs),
    };
  });
}

function columnOf(name: string, before: Column | undefined, after: Column | undefined, table: Table): PictureColumn {
  const column = (after ?? before)!;
  const describe = (c: Column) =>
    `${shortType(c.type)}${c.notNull ? ' not null' : ''}${c.default ? ` default ${c.default}` : ''}`;
  const differs = Boolean(before && after) && describe(before!) !== describe(after!);
  const primary = table.constraints.find((k) => k.kind === 'primary');
  const fk = table.foreignKeys.find((k) => k.columns.length === 1 && k.columns[0] === name && k.references);
  return {
    name,
    type: column.type,
    notNull: column.notNull,
    primaryKey: Boolean(primary?.columns.includes(name)),
    references: fk ? keyOf({ schema: fk.references!.schema, name: fk.references!.table }) : null,
    change: changeOf(Boolean(before), Boolean(after), differs),
    ...(differs ? { was: describe(before!) } : {}),
  };
}

/**
 * Only what changed, and the tables it touches: each table added, removed or changed, the tables
 * its foreign keys join it to (for where it sits), and the edges among them. What a reviewer wants
 * to see of a change to a large schema.
 */
export function changedPart(picture: SchemaPicture): SchemaPicture {
  const changed = new Set(picture.tables.filter((t) => t.change !== 'same').map((t) => t.key));
  const touching = picture.edges.filter((e) => changed.has(e.from) || changed.has(e.to) || e.change !== 'same');
  const shown = new Set([...changed, ...touching.flatMap((e) => [e.from, e.to])]);
  return {
    tables: picture.tables.filter((t) => shown.has(t.key)),
    edges: touching.filter((e) => shown.has(e.from) && shown.has(e.to)),
    enums: picture.enums.filter((e) => e.change !== 'same'),
  };
}
