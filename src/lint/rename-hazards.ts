// Renames: what the application still running the old code breaks on.
import {
  hazard,
  names,
  relationKey,
  type MigrationContext,
  type Node,
  type StatementHazard,
} from './hazard-context.js';

/** Follows CHECK (column IS NOT NULL): added valid, or added NOT VALID and validated later. */
export function renameHazards(body: Node, ctx: MigrationContext): StatementHazard[] {
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
