import type { Op } from '../ops/op.js';
import { quoteLiteral } from '../sql/quote.js';
import { renderOp, type RenderOptions, type Statement } from './render-op.js';
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

const LABEL: Record<Hazard['kind'], string> = {
  'data-loss': 'DATA LOSS',
  'table-rewrite': 'TABLE REWRITE',
  'blocking-lock': 'LOCK',
  'breaking-change': 'BREAKING CHANGE',
};

export interface ScriptOptions extends RenderOptions {
  /** The reason a hazard was acknowledged when generating, written as a lint directive; null if it was not. */
  acknowledge?: (op: Op, hazard: Hazard) => string | null;
}

/**
 * The SQL of a list of ops, with a comment above each statement that has a hazard, so a reviewer
 * sees at the statement what it risks (`-- DATA LOSS: drops column ...`).
 */
export function renderScript(ops: readonly Op[], options: ScriptOptions = {}): RenderedScript {
  const { acknowledge } = options;
  const rendered = ops.flatMap((op) => renderOp(op, options).map((statement) => ({ op, statement })));
  const statements = rendered.map((r) => r.statement);
  const sql = rendered
    .map(({ op, statement: s }) => {
      // A hazard acknowledged when generating gets the lint directive that says so.
      const directives = s.hazards.flatMap((h) => {
        const reason = acknowledge?.(op, h);
        return reason ? [`-- smartem-db:allow ${h.kind}: ${reason}`] : [];
      });
      return [...s.hazards.map((h) => `-- ${LABEL[h.kind]}: ${h.message}`), ...directives, `${s.sql};`].join('\n');
    })
    .join('\n');
  const transactional = !usesNewEnumValue(rendered) && statements.every((s) => s.transactional !== false);
  return {
    statements,
    entries: rendered,
    sql: sql ? `${sql}\n` : '',
    hazards: statements.flatMap((s) => s.hazards),
    transactional,
  };
}

function usesNewEnumValue(rendered: readonly { op: Op; statement: Statement }[]): boolean {
  const added: string[] = [];
  for (const { op, statement } of rendered) {
    if (op.kind === 'addEnumValue') added.push(`${quoteLiteral(op.value)}::`);
    else if (added.some((literal) => statement.sql.includes(literal))) return true;
  }
  return false;
}
