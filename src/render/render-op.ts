import type { Column, EnumType, Identity, Sequence, Table, View } from '../catalog/catalog.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../sql/quote.js';
import type { RenderOptions, Statement } from './statement.js';
import type { CastingPart, CommentTarget, EnumUsage } from '../ops/op.js';
import { castExpression } from '../hazards/type-change.js';
import { qualifiedName } from '../catalog/qualified-name.js';

export type { RenderOptions, Statement };

/** A statement; its hazards are the lint's to judge (lint/classify-script.ts), from its SQL. */
export const statement = (sql: string): Statement => ({ sql, hazards: [] });

/** CREATE TYPE ... AS ENUM. */
export const renderCreateEnum = (type: EnumType): Statement =>
  statement(
    `CREATE TYPE ${quoteQualified(type.schema, type.name)} AS ENUM (${type.values.map(quoteLiteral).join(', ')})`,
  );

export const renderCreateSequence = (s: Sequence): Statement =>
  statement(`CREATE SEQUENCE ${quoteQualified(s.schema, s.name)}${sequenceOptions(s)}`);

/** CREATE VIEW, then its comments: they go with the view when it is dropped and re-created. */
export const renderCreateView = (view: View): Statement[] => [
  statement(
    `CREATE ${view.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${quoteQualified(view.schema, view.name)} AS\n${view.definition.replace(/;\s*$/, '')}`,
  ),
  ...(view.comment === null
    ? []
    : [
        renderComment(
          { kind: view.materialized ? 'materialized view' : 'view', schema: view.schema, name: view.name },
          view.comment,
        ),
      ]),
  ...view.columnComments.map((c) =>
    renderComment({ kind: 'column', schema: view.schema, table: view.name, column: c.column }, c.comment),
  ),
];

export const renderDropView = (view: View): Statement =>
  statement(`DROP ${view.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${quoteQualified(view.schema, view.name)}`);

export const renderComment = (target: CommentTarget, to: string | null): Statement =>
  statement(`COMMENT ON ${commentTarget(target)} IS ${to === null ? 'NULL' : quoteLiteral(to)}`);

/** ALTER TABLE ... (the table's qualified name, quoted). */
export const alterTable = (schema: string, table: string, action: string): Statement =>
  statement(`ALTER TABLE ${quoteQualified(schema, table)} ${action}`);

export function renderColumn(column: Column): string {
  const parts = [quoteIdent(column.name), column.type];
  if (column.collation) parts.push(`COLLATE ${column.collation}`);
  if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`);
  if (column.identity)
    parts.push(
      `GENERATED ${column.identity.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (${identityOptions(column.identity)})`,
    );
  if (column.default !== null) parts.push(`DEFAULT ${column.default}`);
  if (column.notNull) parts.push('NOT NULL');
  return parts.join(' ');
}

/**
 * CREATE TABLE. A table that inherits gets its parents' columns from INHERITS: only its own are
 * listed (what it sets differently on an inherited one is an ALTER COLUMN of its own, once the
 * parent has the column).
 */
export function renderCreateTable(t: Table): Statement[] {
  const own = t.columns.filter((c) => !c.inherited);
  const lines = [
    ...own.map((c) => `  ${renderColumn(c)}`),
    ...t.constraints.map((k) => `  CONSTRAINT ${quoteIdent(k.name)} ${k.definition}`),
  ];
  const parents = t.inherits?.length ? ` INHERITS (${t.inherits.map(quoteKey).join(', ')})` : '';
  const partitioned = t.partitionBy ? ` PARTITION BY ${t.partitionBy}` : '';
  const body = lines.length ? `\n${lines.join(',\n')}\n` : '';
  return [statement(`CREATE TABLE ${quoteQualified(t.schema, t.name)} (${body})${parents}${partitioned}`)];
}

/** A `schema.name` key (as the catalog writes a parent table) quoted for SQL. */
export function quoteKey(key: string): string {
  const dot = key.indexOf('.');
  return quoteQualified(key.slice(0, dot), key.slice(dot + 1));
}

function identityOptions(i: Identity): string {
  return `SEQUENCE NAME ${quoteIdent(i.sequence)} START WITH ${i.start} INCREMENT BY ${i.increment} MINVALUE ${i.min} MAXVALUE ${i.max} CACHE ${i.cache}${
    i.cycle ? ' CYCLE' : ''
  }`;
}

function sequenceOptions(s: Sequence): string {
  return ` AS ${s.type} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ' NO CYCLE'}`;
}

export function renderAlterSequence(from: Sequence, to: Sequence): Statement[] {
  const name = quoteQualified(to.schema, to.name);
  const changes: string[] = [];
  if (from.type !== to.type) changes.push(`AS ${to.type}`);
  if (from.increment !== to.increment) changes.push(`INCREMENT BY ${to.increment}`);
  if (from.min !== to.min) changes.push(`MINVALUE ${to.min}`);
  if (from.max !== to.max) changes.push(`MAXVALUE ${to.max}`);
  if (from.start !== to.start) changes.push(`START WITH ${to.start}`);
  if (from.cache !== to.cache) changes.push(`CACHE ${to.cache}`);
  if (from.cycle !== to.cycle) changes.push(to.cycle ? 'CYCLE' : 'NO CYCLE');
  const owner = (s: Sequence) => (s.ownedBy ? qualifiedName(s.schema, s.ownedBy.table, s.ownedBy.column) : null);
  if (owner(from) !== owner(to)) {
    changes.push(
      to.ownedBy
        ? `OWNED BY ${quoteQualified(to.schema, to.ownedBy.table)}.${quoteIdent(to.ownedBy.column)}`
        : 'OWNED BY NONE',
    );
  }
  if (changes.length === 0) return [];
  const set = `ALTER SEQUENCE ${name} ${changes.join(' ')}`;
  return [
    statement(
      from.min !== to.min || from.max !== to.max
        ? restartWhenOutside(quoteQualified(from.schema, from.name), to, set, `${set} RESTART`)
        : set,
    ),
  ];
}

/**
 * New bounds that the sequence's current value falls outside of are refused unless the same
 * statement restarts it (at its new START): only then, since restarting a sequence that is
 * still in range would hand out ids already used. Which case holds depends on the data, so the
 * choice is made when the migration runs.
 */
function restartWhenOutside(
  sequence: string,
  bounds: { min: string; max: string },
  set: string,
  restart: string,
): string {
  return [
    'DO $smartem_sequence$',
    'BEGIN',
    `  IF (SELECT last_value FROM ${sequence}) NOT BETWEEN ${bounds.min} AND ${bounds.max} THEN`,
    `    ${restart};`,
    '  ELSE',
    `    ${set};`,
    '  END IF;',
    'END',
    '$smartem_sequence$',
  ].join('\n');
}

export function renderAlterColumn(schema: string, tableName: string, from: Column, to: Column): Statement[] {
  const alter = (action: string) =>
    statement(`ALTER TABLE ${quoteQualified(schema, tableName)} ALTER COLUMN ${quoteIdent(to.name)} ${action}`);
  const out: Statement[] = [];
  const typeChanged = from.type !== to.type || from.collation !== to.collation;
  if (from.identity && !to.identity) out.push(alter('DROP IDENTITY'));
  if (from.default !== null && (to.default !== from.default || typeChanged)) out.push(alter('DROP DEFAULT'));
  if (typeChanged) {
    const collate = to.collation ? ` COLLATE ${to.collation}` : '';
    const using = from.type !== to.type ? ` USING ${castExpression(quoteIdent(to.name), from.type, to.type)}` : '';
    out.push(alter(`TYPE ${to.type}${collate}${using}`));
  }
  if (to.default !== null && (to.default !== from.default || typeChanged)) out.push(alter(`SET DEFAULT ${to.default}`));
  // Before an identity is added too: PostgreSQL wants the column NOT NULL first.
  if (!from.notNull && to.notNull) out.push(alter('SET NOT NULL'));
  if (from.notNull && !to.notNull) out.push(alter('DROP NOT NULL'));
  if (!from.identity && to.identity) {
    out.push(
      alter(
        `ADD GENERATED ${to.identity.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (${identityOptions(to.identity)})`,
      ),
    );
  } else if (from.identity && to.identity) {
    const [a, b] = [from.identity, to.identity];
    const sets: string[] = [];
    if (a.always !== b.always) sets.push(`SET GENERATED ${b.always ? 'ALWAYS' : 'BY DEFAULT'}`);
    if (a.increment !== b.increment) sets.push(`SET INCREMENT BY ${b.increment}`);
    if (a.min !== b.min) sets.push(`SET MINVALUE ${b.min}`);
    if (a.max !== b.max) sets.push(`SET MAXVALUE ${b.max}`);
    if (a.start !== b.start) sets.push(`SET START WITH ${b.start}`);
    if (a.cache !== b.cache) sets.push(`SET CACHE ${b.cache}`);
    if (a.cycle !== b.cycle) sets.push(b.cycle ? 'SET CYCLE' : 'SET NO CYCLE');
    if (sets.length) {
      const set = alter(sets.join(' ')).sql;
      out.push(
        a.min !== b.min || a.max !== b.max
          ? statement(restartWhenOutside(quoteQualified(schema, a.sequence), b, set, `${set} RESTART`))
          : statement(set),
      );
    }
    if (a.sequence !== b.sequence)
      out.push(statement(`ALTER SEQUENCE ${quoteQualified(schema, a.sequence)} RENAME TO ${quoteIdent(b.sequence)}`));
  }
  return out;
}

export function renderEnumSwap(
  from: { schema: string; name: string; values: string[] },
  to: { schema: string; name: string; values: string[] },
  usages: EnumUsage[],
  castingParts: CastingPart[] = [],
): Statement[] {
  const name = quoteQualified(to.schema, to.name);
  const old = `${to.name.slice(0, 50)}__smartem_old`;
  const out: Statement[] = [
    statement(`ALTER TYPE ${name} RENAME TO ${quoteIdent(old)}`),
    statement(`CREATE TYPE ${name} AS ENUM (${to.values.map(quoteLiteral).join(', ')})`),
    ...castingParts.map((p) =>
      statement(
        p.kind === 'index'
          ? `DROP INDEX ${quoteQualified(p.schema, p.name)}`
          : `ALTER TABLE ${quoteQualified(p.schema, p.table)} DROP CONSTRAINT ${quoteIdent(p.name)}`,
      ),
    ),
  ];
  for (const u of usages) {
    const col = `ALTER TABLE ${quoteQualified(u.schema, u.table)} ALTER COLUMN ${quoteIdent(u.column)}`;
    if (u.default.from !== null) out.push(statement(`${col} DROP DEFAULT`));
    const target = u.array ? `${name}[]` : name;
    out.push(statement(`${col} TYPE ${target} USING ${quoteIdent(u.column)}::text${u.array ? '[]' : ''}::${target}`));
    if (u.default.to !== null) out.push(statement(`${col} SET DEFAULT ${u.default.to}`));
  }
  for (const p of castingParts) {
    out.push(
      statement(
        p.kind === 'index'
          ? p.definition
          : `ALTER TABLE ${quoteQualified(p.schema, p.table)} ADD CONSTRAINT ${quoteIdent(p.name)} ${p.definition}`,
      ),
    );
  }
  out.push(statement(`DROP TYPE ${quoteQualified(to.schema, old)}`));
  return out;
}

function commentTarget(t: CommentTarget): string {
  switch (t.kind) {
    case 'column':
      return `COLUMN ${quoteQualified(t.schema, t.table)}.${quoteIdent(t.column)}`;
    case 'constraint':
      return `CONSTRAINT ${quoteIdent(t.name)} ON ${quoteQualified(t.schema, t.table)}`;
    case 'index':
      return `INDEX ${quoteQualified(t.schema, t.name)}`;
    default:
      return `${t.kind.toUpperCase()} ${quoteQualified(t.schema, t.name)}`;
  }
}
