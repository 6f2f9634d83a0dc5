// What the hazard checks share: the statement's AST nodes, what the migration has done so far
// (the catalog before it, and what earlier statements planned), and how a hazard is written.
import type { Catalog, Column } from '../catalog/catalog.js';
import type { HazardKind } from '../hazards/hazard.js';
import { newCheckProofs, type CheckProofs } from './check-proofs.js';
import { newPartitionBuilds, type PartitionBuilds } from './partition-builds.js';

/** A hazard of one statement, with why it matters and what is safer. */
export interface StatementHazard {
  kind: HazardKind;
  message: string;
  alternative: string;
  /** The table it is about (`schema.table`), when the statement names one. */
  table?: string;
}

// libpg-query's AST is plain JSON; only the fields read here are typed.

export type Node = Record<string, any>;

const VOLATILE = new Set([
  'random',
  'clock_timestamp',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v4',
  'timeofday',
  'nextval',
]);

/** `schema.table` as written (unqualified names count as public). */
export function relationKey(relation: Node | undefined): string {
  return `${relation?.schemaname ?? 'public'}.${relation?.relname ?? '?'}`;
}

/** What earlier statements of the same migration established. */
export interface MigrationContext {
  /** Tables created earlier in the migration: nothing else uses them yet. */
  fresh: Set<string>;
  /** The CHECKs made so far, valid or awaiting VALIDATE: what they prove lets a scan be skipped. */
  checks: CheckProofs;
  /** The indexes and keys made so far on partitions, which a partitioned parent's statement takes over. */
  builds: PartitionBuilds;
  /**
   * The database before the migration, when known (generate, lint --db): what a column's type is,
   * whether a column is generated, an enum's values. Without it, type changes and enum swaps are
   * judged the worst they could be.
   */
  catalog?: Catalog | undefined;
  /** Enum types the migration creates (`schema.name` to values), known before its statements are judged. */
  plannedEnums: Map<string, string[]>;
  /** Tables the migration creates (`schema.name`), known before its statements are judged. */
  plannedTables: Set<string>;
}

export const newContext = (catalog?: Catalog): MigrationContext => ({
  fresh: new Set(),
  checks: newCheckProofs(),
  builds: newPartitionBuilds(),
  catalog,
  plannedEnums: new Map(),
  plannedTables: new Set(),
});

/** Notes what a migration creates that judging its earlier statements needs (enum types a swap makes, tables). */
export function notePlanned(stmt: Node, ctx: MigrationContext): void {
  const table = stmt.CreateStmt as Node | undefined;
  if (table?.relation) ctx.plannedTables.add(relationKey(table.relation));
  const create = stmt.CreateEnumStmt as Node | undefined;
  if (!create) return;
  const parts: string[] = (create.typeName ?? []).map((n: Node) => n.String?.sval);
  const key = parts.length > 1 ? `${parts[0]}.${parts[1]}` : `public.${parts[0]}`;
  ctx.plannedEnums.set(
    key,
    (create.vals ?? []).map((v: Node) => v.String?.sval),
  );
}

export function catalogColumn(ctx: MigrationContext, table: string, column: string): Column | undefined {
  return ctx.catalog?.tables.find((t) => `${t.schema}.${t.name}` === table)?.columns.find((c) => c.name === column);
}

const PG_TYPES: Record<string, string> = {
  varchar: 'character varying',
  bpchar: 'character',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
};

/** A parsed type name as format_type() prints it (`character varying(20)`, `bigint[]`), where it can tell. */
export function typeNameText(typeName: Node | undefined): string | undefined {
  if (!typeName) return undefined;
  const names: string[] = (typeName.names ?? []).map((n: Node) => n.String?.sval);
  const builtin = names.length === 2 && names[0] === 'pg_catalog';
  const name = builtin ? (PG_TYPES[names[1]!] ?? names[1]!) : names.length === 1 ? names[0]! : undefined;
  if (!name) return undefined;
  const mods: number[] = (typeName.typmods ?? []).map((m: Node) => m.A_Const?.ival?.ival);
  if (mods.some((m) => typeof m !== 'number')) return undefined;
  const array = (typeName.arrayBounds ?? []).length > 0 ? '[]' : '';
  const withMods = mods.length ? `${name}(${mods.join(',')})` : name;
  // Types with modifiers print them between name and zone: timestamp(3) without time zone.
  const placed =
    /^(timestamp|time) (with|without) time zone$/.test(name) && mods.length
      ? name.replace(/^(timestamp|time)/, `$1(${mods.join(',')})`)
      : withMods;
  return `${placed}${array}`;
}

export function callsVolatile(expr: Node): boolean {
  const text = JSON.stringify(expr);
  return [
    ...text.matchAll(/"funcname":\[(?:\{"String":\{"sval":"[^"]*"\}\},)*\{"String":\{"sval":"([^"]+)"\}\}\]/g),
  ].some((m) => VOLATILE.has(m[1]!));
}

export function names(body: Node): string {
  const objects: Node[] = body.objects ?? [];
  return objects
    .map((o) =>
      (o.List?.items ?? [o])
        .map((i: Node) => i.String?.sval ?? i.TypeName?.names?.map((n: Node) => n.String?.sval).join('.') ?? '?')
        .join('.'),
    )
    .join(', ');
}

export function hazard(kind: HazardKind, message: string, alternative: string): StatementHazard {
  return { kind, message, alternative };
}
