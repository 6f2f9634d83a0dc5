import type { Catalog, Column } from '../catalog/catalog.js';
import type { HazardKind } from '../hazards/hazard.js';
import { typeChangeHazards } from '../hazards/type-change.js';
import { keyOf } from '../catalog/qualified-name.js';
import {
  newCheckProofs,
  noteChecks,
  provesBounds,
  provesNotNull,
  singleKeyColumn,
  type CheckProofs,
} from './check-proofs.js';
import {
  catalogLeaves,
  indexBuiltElsewhere,
  keyBuiltElsewhere,
  leavesWithoutIndex,
  leavesWithoutKey,
  newPartitionBuilds,
  noteIndexBuild,
  noteKeyBuild,
  type PartitionBuilds,
} from './partition-builds.js';

/** A hazard of one statement, with why it matters and what is safer. */
export interface StatementHazard {
  kind: HazardKind;
  message: string;
  alternative: string;
  /** The table it is about (`schema.table`), when the statement names one. */
  table?: string;
}

// libpg-query's AST is plain JSON; only the fields read here are typed.
type Node = Record<string, any>;

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
}

export const newContext = (catalog?: Catalog): MigrationContext => ({
  fresh: new Set(),
  checks: newCheckProofs(),
  builds: newPartitionBuilds(),
  catalog,
  plannedEnums: new Map(),
});

/** Notes what a migration creates that judging its earlier statements needs (enum types a swap makes). */
export function notePlanned(stmt: Node, ctx: MigrationContext): void {
  const create = stmt.CreateEnumStmt as Node | undefined;
  if (!create) return;
  const parts: string[] = (create.typeName ?? []).map((n: Node) => n.String?.sval);
  const key = parts.length > 1 ? `${parts[0]}.${parts[1]}` : `public.${parts[0]}`;
  ctx.plannedEnums.set(
    key,
    (create.vals ?? []).map((v: Node) => v.String?.sval),
  );
}

function catalogColumn(ctx: MigrationContext, table: string, column: string): Column | undefined {
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
function typeNameText(typeName: Node | undefined): string | undefined {
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

/**
 * The hazards of one parsed statement, given what earlier statements of its migration did: locks
 * and rewrites on a table created in the same migration do not matter (data loss still does),
 * and SET NOT NULL after a validated (column IS NOT NULL) check skips its scan.
 */
export function statementHazards(stmt: Node, ctx: MigrationContext): StatementHazard[] {
  const [, body] = Object.entries(stmt)[0] as [string, Node];
  // The table each hazard is about, when the statement names one (lint --db says how big it is).
  const table = body?.relation ? relationKey(body.relation) : undefined;
  return hazardsOf(stmt, ctx).map((h) => (table ? { ...h, table } : h));
}

function hazardsOf(stmt: Node, ctx: MigrationContext): StatementHazard[] {
  const fresh = ctx.fresh;
  const [type, body] = Object.entries(stmt)[0] as [string, Node];
  switch (type) {
    case 'DropStmt':
      if (body.removeType === 'OBJECT_TABLE') {
        return [
          hazard(
            'data-loss',
            `drops table ${names(body)} and all its rows`,
            'Stop using the table in the application first, keep a backup, and drop it in a later release.',
          ),
        ];
      }
      if (body.removeType === 'OBJECT_SCHEMA' && body.behavior === 'DROP_CASCADE') {
        return [
          hazard(
            'data-loss',
            `drops schema ${names(body)} with everything in it`,
            'Drop the objects in it one by one, each acknowledged.',
          ),
        ];
      }
      return [];
    case 'TruncateStmt':
      return [
        hazard(
          'data-loss',
          'empties tables (TRUNCATE)',
          'Delete the rows that must go with a WHERE clause, or keep a backup.',
        ),
      ];
    case 'DeleteStmt':
      return body.whereClause
        ? []
        : [
            hazard(
              'data-loss',
              `deletes every row of ${relationKey(body.relation)}`,
              'Add a WHERE clause that says which rows go.',
            ),
          ];
    case 'RenameStmt':
      return renameHazards(body, ctx);
    case 'IndexStmt': {
      const table = relationKey(body.relation);
      noteIndexBuild(table, body, ctx.builds);
      if (body.concurrent || fresh.has(table)) return [];
      const leaves = catalogLeaves(ctx.catalog, table, ctx.builds);
      if (leaves) {
        // A partitioned table: the build happens on its partitions, unless each has the index already.
        const missing = leavesWithoutIndex(
          ctx.builds,
          leaves.filter((l) => !fresh.has(l)),
          body,
        );
        if (missing.length === 0) return [];
        return [
          hazard(
            'blocking-lock',
            `builds index ${body.idxname ?? ''} on ${missing.join(', ')} (partitions of ${table}) while blocking writes to ${table}`,
            `CREATE INDEX CONCURRENTLY on each partition first, in a migration with "-- transaction: no": this statement then only attaches them.`,
          ),
        ];
      }
      if (!ctx.catalog && indexBuiltElsewhere(ctx.builds, table, body)) return [];
      return [
        hazard(
          'blocking-lock',
          `builds index ${body.idxname ?? ''} on ${table} while blocking writes to it`,
          'CREATE INDEX CONCURRENTLY, in a migration with "-- transaction: no" (on a partitioned table, on each partition first: ' +
            'this statement then only attaches them, which lint --db can tell).',
        ),
      ];
    }
    case 'AlterTableStmt':
      if (body.objtype === 'OBJECT_TYPE') return compositeTypeHazards(relationKey(body.relation), body.cmds ?? []);
      return (body.cmds ?? []).flatMap((cmd: Node) =>
        alterTableHazards(relationKey(body.relation), cmd.AlterTableCmd ?? {}, ctx),
      );
    default:
      return [];
  }
}

/** ALTER TYPE on a composite type: a dropped attribute takes its values from every column of the type. */
function compositeTypeHazards(type: string, cmds: Node[]): StatementHazard[] {
  return cmds.flatMap((cmd: Node) =>
    cmd.AlterTableCmd?.subtype === 'AT_DropColumn'
      ? [
          hazard(
            'data-loss',
            `drops attribute ${cmd.AlterTableCmd.name} of composite type ${type}, and its values in every column of that type`,
            'Copy the values out first if they are still needed, keep a backup.',
          ),
        ]
      : [],
  );
}

function alterTableHazards(table: string, cmd: Node, ctx: MigrationContext): StatementHazard[] {
  const isFresh = ctx.fresh.has(table);
  noteChecks(table, cmd, ctx.checks);
  noteKeyBuild(table, cmd, ctx.builds);
  switch (cmd.subtype) {
    case 'AT_AttachPartition': {
      const partition = relationKey(cmd.def?.PartitionCmd?.name ?? {});
      if (ctx.fresh.has(partition)) return [];
      const parent = ctx.catalog?.tables.find((t) => keyOf(t) === table);
      const key = parent?.partitionBy ? singleKeyColumn(parent.partitionBy) : undefined;
      const withDefault = ctx.catalog?.objects.some(
        (o) => o.kind === 'partition' && o.on === table && / DEFAULT$/.test(o.create[0] ?? ''),
      );
      if (withDefault) {
        return [
          hazard(
            'blocking-lock',
            `attaches ${partition} to ${table}, which has a default partition: its rows are checked against the new bounds while no one may write it`,
            `Add a CHECK to the default partition that keeps out the new bounds (NOT VALID, then VALIDATE) first, or move its rows out.`,
          ),
        ];
      }
      // With the parent known, the proof must be over its key; without it, over the column the CHECK names.
      if (
        (!parent || key !== undefined) &&
        provesBounds(ctx.checks, partition, cmd.def?.PartitionCmd?.bound ?? {}, key)
      )
        return [];
      return [
        hazard(
          'blocking-lock',
          `attaches ${partition} to ${table}: checks every row of ${partition} against the bounds while no one may read or write it`,
          `Add a CHECK constraint on ${partition} that says its bounds (NOT VALID, then VALIDATE) first: PostgreSQL then skips the scan.`,
        ),
      ];
    }
    case 'AT_DetachPartition':
      if (isFresh || cmd.def?.PartitionCmd?.concurrent) return [];
      return [
        hazard(
          'blocking-lock',
          `detaches a partition from ${table}, blocking reads and writes of ${table} while it does`,
          'DETACH PARTITION ... CONCURRENTLY, in a migration with "-- transaction: no" (not with a default partition).',
        ),
      ];
    case 'AT_DropColumn':
      // A generated column's values are derived: dropping it loses nothing that cannot be computed again.
      if (catalogColumn(ctx, table, cmd.name)?.generated) return [];
      return [
        hazard(
          'data-loss',
          `drops column ${table}.${cmd.name} and the data in it`,
          'Stop using the column first, keep a backup, and drop it in a later release.',
        ),
      ];
    case 'AT_AlterColumnType': {
      if (isFresh) return [];
      const from = catalogColumn(ctx, table, cmd.name);
      const to = typeNameText(cmd.def?.ColumnDef?.typeName);
      const target = (cmd.def?.ColumnDef?.typeName?.names ?? []).map((n: Node) => n.String?.sval) as string[];
      const targetKey = target.length > 1 ? `${target[0]}.${target[1]}` : `public.${target[0]}`;
      const fromType = from?.type.replace(/"/g, '').replace(/\[\]$/, '');
      const swapped = fromType !== undefined && (fromType === target.at(-1) || fromType === targetKey);
      if (ctx.plannedEnums.has(targetKey) && swapped) {
        // Converting a column to the new type of an enum swap: the swap itself was judged already.
        return [
          hazard(
            'table-rewrite',
            `rewrites ${table} to convert ${cmd.name} to ${targetKey}`,
            'Only add enum values (ALTER TYPE ... ADD VALUE), which rewrites nothing.',
          ),
        ];
      }
      if (from && to) {
        return typeChangeHazards(`${table}.${cmd.name}`, from, { ...from, type: to }).map((h) =>
          hazard(
            h.kind,
            h.message,
            'Add a column of the new type, backfill it in batches, switch the application over, then drop the old column.',
          ),
        );
      }
      return [
        hazard(
          'table-rewrite',
          `changes the type of ${table}.${cmd.name}: rewrites the table under an exclusive lock, and a narrower type can lose data`,
          'Add a column of the new type, backfill it in batches, switch the application over, then drop the old column.',
        ),
      ];
    }
    case 'AT_SetNotNull':
      if (isFresh || provesNotNull(ctx.checks, table, cmd.name)) return [];
      return [
        hazard(
          'blocking-lock',
          `makes ${table}.${cmd.name} NOT NULL: scans the whole table while blocking reads and writes`,
          'Add CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it, then SET NOT NULL (PostgreSQL 12+ skips the scan).',
        ),
      ];
    case 'AT_AddColumn': {
      if (isFresh) return [];
      const def = cmd.def?.ColumnDef ?? {};
      const constraints: Node[] = (def.constraints ?? []).map((c: Node) => c.Constraint ?? {});
      const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
      const out: StatementHazard[] = [];
      if (constraints.some((c) => c.contype === 'CONSTR_GENERATED') || (defaultExpr && callsVolatile(defaultExpr))) {
        out.push(
          hazard(
            'table-rewrite',
            `adds ${table}.${def.colname} with a volatile default or a generated value: rewrites the table`,
            'Add the column without a default, backfill it in batches, then set the default.',
          ),
        );
      }
      if (
        constraints.some((c) => c.contype === 'CONSTR_NOTNULL') &&
        !defaultExpr &&
        !constraints.some((c) => c.contype === 'CONSTR_IDENTITY')
      ) {
        out.push(
          hazard(
            'breaking-change',
            `adds NOT NULL column ${table}.${def.colname} without a default: fails if the table has rows`,
            'Give it a default, or add it nullable, backfill, then set NOT NULL.',
          ),
        );
      }
      return out;
    }
    case 'AT_AddConstraint': {
      if (isFresh) return [];
      const c: Node = cmd.def?.Constraint ?? {};
      // On a partitioned table whose partitions each have the key already, it only takes them over.
      const leaves = catalogLeaves(ctx.catalog, table, ctx.builds)?.filter((l) => !ctx.fresh.has(l));
      const takesOver =
        ['CONSTR_FOREIGN', 'CONSTR_UNIQUE', 'CONSTR_PRIMARY'].includes(c.contype) &&
        !c.indexname &&
        (leaves !== undefined
          ? leavesWithoutKey(ctx.builds, leaves, c).length === 0
          : !ctx.catalog && keyBuiltElsewhere(ctx.builds, table, c));
      if (takesOver) return [];
      if ((c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK') && !c.skip_validation) {
        return [
          hazard(
            'blocking-lock',
            `adds ${c.contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'check'} ${c.conname ?? ''} on ${table}, validating every row while blocking writes`,
            leaves && c.contype === 'CONSTR_FOREIGN'
              ? 'Add it to each partition first (NOT VALID, then VALIDATE CONSTRAINT): this statement then takes them over.'
              : 'Add it NOT VALID, then VALIDATE CONSTRAINT in a later statement or migration (only a light lock).',
          ),
        ];
      }
      if (c.contype === 'CONSTR_EXCLUSION') {
        return [
          hazard(
            'blocking-lock',
            `adds exclusion constraint ${c.conname ?? ''} on ${table}, building its index while blocking writes`,
            'Add it while the table is small or quiet; PostgreSQL cannot build an exclusion constraint concurrently.',
          ),
        ];
      }
      if ((c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && !c.indexname) {
        return [
          hazard(
            'blocking-lock',
            `adds ${c.contype === 'CONSTR_PRIMARY' ? 'primary key' : 'unique constraint'} ${c.conname ?? ''} on ${table}, building its index while blocking writes`,
            leaves
              ? 'On each partition first: CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX; this statement then takes them over.'
              : 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX.',
          ),
        ];
      }
      return [];
    }
    default:
      return [];
  }
}

/** Follows CHECK (column IS NOT NULL): added valid, or added NOT VALID and validated later. */
function renameHazards(body: Node, ctx: MigrationContext): StatementHazard[] {
  const expandContract =
    'Expand and contract: add the new name alongside the old, move the application over, then remove the old.';
  switch (body.renameType) {
    case 'OBJECT_TABLE':
      return [
        hazard(
          'breaking-change',
          `renames table ${relationKey(body.relation)} to ${body.newname}: running application code still uses the old name`,
          expandContract,
        ),
      ];
    case 'OBJECT_COLUMN':
      return [
        hazard(
          'breaking-change',
          `renames column ${relationKey(body.relation)}.${body.subname} to ${body.newname}: running application code still uses the old name`,
          expandContract,
        ),
      ];
    case 'OBJECT_TYPE': {
      const parts: string[] = (body.object?.List?.items ?? []).map((n: Node) => n.String?.sval);
      const key = parts.length > 1 ? `${parts[0]}.${parts[1]}` : `public.${parts[0]}`;
      const before = ctx.catalog?.enums.find((e) => `${e.schema}.${e.name}` === key)?.values;
      const after = ctx.plannedEnums.get(key);
      if (before && after) {
        const removed = before.filter((v) => !after.includes(v));
        return [
          removed.length
            ? hazard(
                'data-loss',
                `removes ${removed.map((v) => `'${v}'`).join(', ')} from enum ${key}: rows holding ${removed.length === 1 ? 'it' : 'them'} make the conversion fail`,
                'Only add enum values; remove one after no row holds it, and acknowledge it.',
              )
            : hazard(
                'table-rewrite',
                `reorders enum ${key} by swapping the type: every column using it is rewritten`,
                'Add values at their place with ADD VALUE ... BEFORE, which rewrites nothing.',
              ),
        ];
      }
      return [
        hazard(
          'data-loss',
          `renames type ${names({ objects: [body.object] })} away (an enum swap): values left out of the new type fail every row that holds them`,
          'Only add enum values; remove one after no row holds it, and acknowledge it.',
        ),
      ];
    }
    default:
      return [];
  }
}

function callsVolatile(expr: Node): boolean {
  const text = JSON.stringify(expr);
  return [
    ...text.matchAll(/"funcname":\[(?:\{"String":\{"sval":"[^"]*"\}\},)*\{"String":\{"sval":"([^"]+)"\}\}\]/g),
  ].some((m) => VOLATILE.has(m[1]!));
}

function names(body: Node): string {
  const objects: Node[] = body.objects ?? [];
  return objects
    .map((o) =>
      (o.List?.items ?? [o])
        .map((i: Node) => i.String?.sval ?? i.TypeName?.names?.map((n: Node) => n.String?.sval).join('.') ?? '?')
        .join('.'),
    )
    .join(', ');
}

function hazard(kind: HazardKind, message: string, alternative: string): StatementHazard {
  return { kind, message, alternative };
}
