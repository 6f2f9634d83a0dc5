import type { Op } from '../ops/op.js';
import { renderOp, type Hazard, type Statement } from './render-op.js';

export interface RenderedScript {
  statements: Statement[];
  /** The SQL text, each statement followed by `;`, hazards as comments above it. */
  sql: string;
  hazards: Hazard[];
}

const LABEL: Record<Hazard['kind'], string> = {
  'data-loss': 'DATA LOSS',
  'table-rewrite': 'TABLE REWRITE',
  'blocking-lock': 'LOCK',
  'breaking-change': 'BREAKING CHANGE',
};

/**
 * The SQL of a list of ops, with a comment above each statement that has a hazard, so a reviewer
 * sees at the statement what it risks (`-- DATA LOSS: drops column ...`).
 */
export function renderScript(ops: readonly Op[]): RenderedScript {
  const statements = ops.flatMap(renderOp);
  const sql = statements
    .map((s) => [...s.hazards.map((h) => `-- ${LABEL[h.kind]}: ${h.message}`), `${s.sql};`].join('\n'))
    .join('\n');
  return { statements, sql: sql ? `${sql}\n` : '', hazards: statements.flatMap((s) => s.hazards) };
}
