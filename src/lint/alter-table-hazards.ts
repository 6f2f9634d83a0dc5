// The hazards of ALTER TABLE's subcommands: rewrites, scans under lock, and what they do to data.
import { typeChangeHazards } from '../hazards/type-change.js';
import { keyOf } from '../catalog/qualified-name.js';
import { noteChecks, provesBounds, provesNotNull, singleKeyColumn } from './check-proofs.js';
import { catalogLeaves, keyBuiltElsewhere, leavesWithoutKey, noteKeyBuild } from './partition-builds.js';
import {
  callsVolatile,
  catalogColumn,
  hazard,
  relationKey,
  typeNameText,
  type MigrationContext,
  type Node,
  type StatementHazard,
} from './hazard-context.js';

export function alterTableHazards(table: string, cmd: Node, ctx: MigrationContext): StatementHazard[] {
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
