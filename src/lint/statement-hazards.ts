import {
  hazard,
  names,
  relationKey,
  type MigrationContext,
  type Node,
  type StatementHazard,
} from './hazard-context.js';
import { alterTableHazards } from './alter-table-hazards.js';
import { catalogLeaves, indexBuiltElsewhere, leavesWithoutIndex, noteIndexBuild } from './partition-builds.js';

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
      // ON ONLY a partitioned table: an index on the parent alone, nothing built (partitions' own
      // indexes are attached to it later, each a moment's lock).
      if (body.relation && body.relation.inh !== true && catalogLeaves(ctx.catalog, table, ctx.builds)) return [];
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

/** Renames: the application code still running uses the old name, so each breaks it until contract. */
function renameHazards(body: Node, ctx: MigrationContext): StatementHazard[] {
  const expandContract =
    'Expand and contract: add the new name alongside the old, move the application over, then remove the old.';
  switch (body.renameType) {
    case 'OBJECT_TABLE':
      // Renamed aside while a new table takes its name: the application's statements go on to the
      // new one, but the old one stays locked until the migration commits, its rows copied meanwhile.
      if (ctx.plannedTables.has(relationKey(body.relation)))
        return [
          hazard(
            'blocking-lock',
            `makes table ${relationKey(body.relation)} again (renamed aside, its rows copied into a new one): it is locked until the migration commits`,
            'Run it when the table is quiet, or, for a large table, move the rows by hand in batches behind a trigger.',
          ),
        ];
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
