import type { Op } from '../ops/op.js';

export interface PlacedOp {
  phase: number;
  rank?: number;
  op: Op;
}

export function placed(phase: number, op: Op, rank = 0): PlacedOp {
  return { phase, rank, op };
}

export function orderOps(ops: PlacedOp[]): Op[] {
  return ops
    .map((p, i) => ({ ...p, i }))
    .sort((a, b) => a.phase - b.phase || (a.rank ?? 0) - (b.rank ?? 0) || a.i - b.i)
    .map((p) => p.op);
}
