import type { HazardKind } from '../hazards/hazard.js';

/** A hazard of one statement, with why it matters and what is safer. */
export interface StatementHazard {
  kind: HazardKind;
  message: string;
  alternative: string;
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
  /** `schema.table.column`s proven non-null by a validated CHECK (column IS NOT NULL). */
  provenNotNull: Set<string>;
  /** NOT VALID checks of the form (column IS NOT NULL), by `schema.table.constraint`, awaiting VALIDATE. */
  pendingNotNull: Map<string, string>;
}

export const newContext = (): MigrationContext => ({
  fresh: new Set(),
  provenNotNull: new Set(),
  pendingNotNull: new Map(),
});

/**
 * The hazards of one parsed statement, given what earlier statements of its migration did: locks
 * and rewrites on a table created in the same migration do not matter (data loss still does),
 * and SET NOT NULL after a validated (column IS NOT NULL) check skips its scan.
 */
export function statementHazards(stmt: Node, ctx: MigrationContext): StatementHazard[] {
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
      return renameHazards(body);
    case 'IndexStmt': {
      const table = relationKey(body.relation);
      if (body.concurrent || fresh.has(table)) return [];
      return [
        hazard(
          'blocking-lock',
          `builds index ${body.idxname ?? ''} on ${table} while blocking writes to it`,
          'CREATE INDEX CONCURRENTLY, in a migration with "-- transaction: no".',
        ),
      ];
    }
    case 'AlterTableStmt':
      return (body.cmds ?? []).flatMap((cmd: Node) =>
        alterTableHazards(relationKey(body.relation), cmd.AlterTableCmd ?? {}, ctx),
      );
    default:
      return [];
  }
}

function alterTableHazards(table: string, cmd: Node, ctx: MigrationContext): StatementHazard[] {
  const isFresh = ctx.fresh.has(table);
  noteNotNullProofs(table, cmd, ctx);
  switch (cmd.subtype) {
    case 'AT_DropColumn':
      return [
        hazard(
          'data-loss',
          `drops column ${table}.${cmd.name} and the data in it`,
          'Stop using the column first, keep a backup, and drop it in a later release.',
        ),
      ];
    case 'AT_AlterColumnType':
      if (isFresh) return [];
      return [
        hazard(
          'table-rewrite',
          `changes the type of ${table}.${cmd.name}: rewrites the table under an exclusive lock, and a narrower type can lose data`,
          'Add a column of the new type, backfill it in batches, switch the application over, then drop the old column.',
        ),
      ];
    case 'AT_SetNotNull':
      if (isFresh || ctx.provenNotNull.has(`${table}.${cmd.name}`)) return [];
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
      if ((c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK') && !c.skip_validation) {
        return [
          hazard(
            'blocking-lock',
            `adds ${c.contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'check'} ${c.conname ?? ''} on ${table}, validating every row while blocking writes`,
            'Add it NOT VALID, then VALIDATE CONSTRAINT in a later statement or migration (only a light lock).',
          ),
        ];
      }
      if ((c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && !c.indexname) {
        return [
          hazard(
            'blocking-lock',
            `adds ${c.contype === 'CONSTR_PRIMARY' ? 'primary key' : 'unique constraint'} ${c.conname ?? ''} on ${table}, building its index while blocking writes`,
            'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX.',
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
function noteNotNullProofs(table: string, cmd: Node, ctx: MigrationContext): void {
  if (cmd.subtype === 'AT_AddConstraint') {
    const c: Node = cmd.def?.Constraint ?? {};
    const test: Node | undefined = c.contype === 'CONSTR_CHECK' ? c.raw_expr?.NullTest : undefined;
    const column: string | undefined =
      test?.nulltesttype === 'IS_NOT_NULL' ? test.arg?.ColumnRef?.fields?.[0]?.String?.sval : undefined;
    if (!column) return;
    if (c.skip_validation) ctx.pendingNotNull.set(`${table}.${c.conname}`, column);
    else ctx.provenNotNull.add(`${table}.${column}`);
  }
  if (cmd.subtype === 'AT_ValidateConstraint') {
    const column = ctx.pendingNotNull.get(`${table}.${cmd.name}`);
    if (column) ctx.provenNotNull.add(`${table}.${column}`);
  }
}

function renameHazards(body: Node): StatementHazard[] {
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
    case 'OBJECT_TYPE':
      return [
        hazard(
          'data-loss',
          `renames type ${names({ objects: [body.object] })} away (an enum swap): values left out of the new type fail every row that holds them`,
          'Only add enum values; remove one after no row holds it, and acknowledge it.',
        ),
      ];
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
