import type { Column } from '../catalog/catalog.js';
import type { Hazard } from './hazard.js';

const INTEGER_WIDTH: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };
const FLOAT_WIDTH: Record<string, number> = { real: 4, 'double precision': 8 };

/**
 * What a column type change risks. A widening PostgreSQL can do in place (varchar(n) to a longer
 * varchar, varchar to text) risks nothing; a widening that rewrites (integer to bigint) rewrites the
 * table; anything else may lose data or fail on existing rows, and needs acknowledgement.
 */
export function typeChangeHazards(column: string, from: Column, to: Column): Hazard[] {
  if (from.type === to.type) return [];
  const a = parseType(from.type);
  const b = parseType(to.type);
  const rewrite: Hazard = {
    kind: 'table-rewrite',
    message: `rewrites the table to change ${column} from ${from.type} to ${to.type}`,
  };
  if (a.array !== b.array) return [lossy(column, from, to), rewrite];
  // Every value has a text form: unbounded text keeps it all (element by element for arrays).
  if ((b.base === 'text' || (b.base === 'character varying' && b.length === null)) && !isText(a.base)) return [rewrite];
  if (isText(a.base) && isText(b.base)) {
    // Unbounded text accepts every value; a longer varchar too, and PostgreSQL widens it in place.
    const fits = b.length === null || (a.length !== null && b.length >= a.length);
    if (!fits) return [lossy(column, from, to)];
    return a.base === 'character' || b.base === 'character' ? [rewrite] : [];
  }
  if (a.base in INTEGER_WIDTH && b.base in INTEGER_WIDTH) {
    return INTEGER_WIDTH[b.base]! >= INTEGER_WIDTH[a.base]! ? [rewrite] : [lossy(column, from, to), rewrite];
  }
  if (a.base in FLOAT_WIDTH && b.base in FLOAT_WIDTH) {
    return FLOAT_WIDTH[b.base]! >= FLOAT_WIDTH[a.base]! ? [rewrite] : [lossy(column, from, to), rewrite];
  }
  if (a.base in INTEGER_WIDTH && (b.base === 'numeric' || b.base === 'double precision')) return [rewrite];
  if (a.base === 'numeric' && b.base === 'numeric' && a.args && b.args) {
    const [p1, s1 = 0] = a.args;
    const [p2, s2 = 0] = b.args;
    if (s2 === s1 && p2! >= p1!) return [];
  }
  if (a.base === 'numeric' && b.base === 'numeric' && !b.args) return [];
  return [lossy(column, from, to), rewrite];
}

function lossy(column: string, from: Column, to: Column): Hazard {
  return {
    kind: 'data-loss',
    message: `changes ${column} from ${from.type} to ${to.type}: values that do not fit are truncated or make the migration fail`,
  };
}

function isText(base: string): boolean {
  return base === 'character varying' || base === 'text' || base === 'character';
}

function parseType(type: string): { base: string; length: number | null; args: number[] | null; array: boolean } {
  const array = type.endsWith('[]');
  const bare = array ? type.slice(0, -2) : type;
  const m = /^([^(]+?)(?:\((\d+)(?:,(\d+))?\))?$/.exec(bare);
  const base = (m?.[1] ?? bare).trim();
  const args = m?.[2] ? [Number(m[2]), ...(m[3] ? [Number(m[3])] : [])] : null;
  const length =
    base === 'text'
      ? null
      : base === 'character varying' || base === 'character'
        ? (args?.[0] ?? (base === 'character' ? 1 : null))
        : null;
  return { base, length, args, array };
}

const FAMILIES: Record<string, string> = {
  smallint: 'number',
  integer: 'number',
  bigint: 'number',
  numeric: 'number',
  real: 'number',
  'double precision': 'number',
  text: 'text',
  'character varying': 'text',
  character: 'text',
  date: 'time',
  'timestamp without time zone': 'time',
  'timestamp with time zone': 'time',
};

/**
 * The USING expression of a type change. Within a family (numbers, text, date/time) PostgreSQL
 * casts directly; across families there may be no cast at all, but every value has a text form
 * and every type reads text, so the conversion goes through text (rows that do not convert make
 * the migration fail, and the change is flagged as data loss).
 */
export function castExpression(column: string, from: string, to: string): string {
  return sameTypeFamily(from, to) ? `${column}::${to}` : `${column}::text::${to}`;
}

/**
 * Whether two types are of one family (numbers, text, date/time, or the same base type), whose
 * values PostgreSQL compares with each other: a foreign key between such columns holds across
 * the change of one of them.
 */
export function sameTypeFamily(from: string, to: string): boolean {
  const a = parseType(from);
  const b = parseType(to);
  const family = (base: string) => FAMILIES[base] ?? base;
  return a.array === b.array && family(a.base) === family(b.base);
}
