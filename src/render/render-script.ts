import type { Op } from '../ops/op.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../sql/quote.js';
import { leafPartName, partitionedIndexSteps } from './render-online.js';
import { temporaryName } from './temporary-name.js';
import { renderOp } from './op-kinds.js';
import type { RenderOptions, Statement } from './statement.js';
import type { Hazard } from '../hazards/hazard.js';

export interface RenderedScript {
  statements: Statement[];
  /** Each statement with the op it came from. */
  entries: { op: Op; statement: Statement }[];
  /** The SQL text, each statement followed by `;`, hazards as comments above it. */
  sql: string;
  hazards: Hazard[];
  /**
   * False when a statement cannot run in a transaction block (CONCURRENTLY), or uses an enum
   * value that an earlier ALTER TYPE ... ADD VALUE of the same script adds: PostgreSQL refuses
   * that inside one transaction ("unsafe use of new value").
   */
  transactional: boolean;
}

/** How each hazard kind is written in a comment above its statement. */
export const LABEL: Record<Hazard['kind'], string> = {
  'data-loss': 'DATA LOSS',
  'table-rewrite': 'TABLE REWRITE',
  'blocking-lock': 'LOCK',
  'breaking-change': 'BREAKING CHANGE',
};

/**
 * The SQL of a list of ops, statement by statement, with whether it can run in one transaction.
 * Hazards are not judged here: lint/classify-script.ts judges the SQL (the one classifier) and
 * writes them above their statements.
 */
export function renderScript(ops: readonly Op[], options: RenderOptions = {}): RenderedScript {
  const replaced = options.online ? replacedIndexes(ops) : new Map<Op, Statement[]>();
  const rendered = ops.flatMap((op) =>
    (replaced.get(op) ?? renderOp(op, options)).map((statement) => ({ op, statement })),
  );
  const statements = rendered.map((r) => r.statement);
  const sql = statements.map((s) => `${s.sql};`).join('\n');
  const transactional = !usesNewEnumValue(rendered) && statements.every((s) => s.transactional !== false);
  return { statements, entries: rendered, sql: sql ? `${sql}\n` : '', hazards: [], transactional };
}

/**
 * Online, an index whose definition changes is not dropped and built again (queries would have no
 * index in between, and the build would block writes): the new one is built concurrently under a
 * temporary name, the old one dropped concurrently, and the new one renamed. The drop op renders
 * nothing; the create op renders the three steps. Not when a column of the table changes type
 * or goes (PostgreSQL rebuilds or drops its indexes then).
 */
function replacedIndexes(ops: readonly Op[]): Map<Op, Statement[]> {
  const out = new Map<Op, Statement[]>();
  const reshaped = new Set(
    ops.flatMap((op) =>
      (op.kind === 'alterColumn' && op.from.type !== op.to.type) || op.kind === 'dropColumn'
        ? [`${op.schema}.${op.table}`]
        : [],
    ),
  );
  for (const create of ops) {
    if (create.kind !== 'createIndex' || create.fresh || reshaped.has(`${create.schema}.${create.table}`)) continue;
    const drop = ops.find(
      (op) =>
        op.kind === 'dropIndex' &&
        !op.fresh &&
        op.schema === create.schema &&
        op.table === create.table &&
        op.index.name === create.index.name,
    );
    if (!drop) continue;
    const temporary = temporaryName(create.index.name, '_smartem_new');
    const named = create.index.definition.replace(
      /^CREATE (UNIQUE )?INDEX ("(?:[^"]|"")+"|\S+) ON /,
      `CREATE $1INDEX ${quoteIdent(temporary)} ON `,
    );
    // A partitioned table's: its partitions' built concurrently and attached; its drop is plain
    // (PostgreSQL has no DROP INDEX CONCURRENTLY there), a moment's lock.
    const build = create.partitioned
      ? partitionedIndexSteps(named, temporary, create.partitioned.leaves)
      : [
          {
            sql: named.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY '),
            hazards: [],
            transactional: false,
          },
        ];
    if (!build) continue;
    const old = quoteQualified(create.schema, create.index.name);
    out.set(drop, []);
    out.set(create, [
      ...build,
      { sql: `DROP INDEX ${create.partitioned ? '' : 'CONCURRENTLY '}${old}`, hazards: [], transactional: false },
      {
        sql: `ALTER INDEX ${quoteQualified(create.schema, temporary)} RENAME TO ${quoteIdent(create.index.name)}`,
        hazards: [],
        transactional: false,
      },
      // The partitions' parts too, so that the name a later build picks for them is free again.
      ...(create.partitioned?.leaves ?? []).map((leaf) => ({
        sql: `ALTER INDEX ${quoteQualified(leaf.schema, leafPartName(leaf, temporary))} RENAME TO ${quoteIdent(leafPartName(leaf, create.index.name))}`,
        hazards: [],
        transactional: false,
      })),
    ]);
  }
  return out;
}

function usesNewEnumValue(rendered: readonly { op: Op; statement: Statement }[]): boolean {
  const added: string[] = [];
  for (const { op, statement } of rendered) {
    if (op.kind === 'addEnumValue') added.push(`${quoteLiteral(op.value)}::`);
    else if (added.some((literal) => statement.sql.includes(literal))) return true;
  }
  return false;
}
