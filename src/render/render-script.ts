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
  const rendered = ops.flatMap((op) => renderOp(op, options).map((statement) => ({ op, statement })));
  const statements = rendered.map((r) => r.statement);
  const sql = statements.map((s) => `${s.sql};`).join('\n');
  const transactional = !usesNewEnumValue(rendered) && statements.every((s) => s.transactional !== false);
  return { statements, entries: rendered, sql: sql ? `${sql}\n` : '', hazards: [], transactional };
}

function usesNewEnumValue(rendered: readonly { op: Op; statement: Statement }[]): boolean {
  const added: string[] = [];
  for (const { op, statement } of rendered) {
    if (op.kind === 'addEnumValue') added.push(`${quoteLiteral(op.value)}::`);
    else if (added.some((literal) => statement.sql.includes(literal))) return true;
  }
  return false;
}
