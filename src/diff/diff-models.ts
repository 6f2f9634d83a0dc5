import type { Model } from '../model/model.js';
import type { Op } from '../ops/op.js';
import { diffComments } from './comment-diff.js';
import { diffEnums } from './enum-diff.js';
import { orderOps } from './phases.js';
import { diffSchemas } from './schema-diff.js';
import { diffSequences } from './sequence-diff.js';
import { diffTables } from './table-diff.js';
import { diffViews } from './view-diff.js';

/**
 * The ops that turn database `from` into database `to`, in an order PostgreSQL accepts. Pure:
 * models in, ops out. Renames are not guessed here: a table or column that disappears while
 * another appears is a drop and an add (rename hints are applied to `from` before diffing).
 *
 * @example const up = diffModels(current, desired); const down = invertAll(up);
 */
export function diffModels(from: Model, to: Model): Op[] {
  const tables = diffTables(from, to);
  return orderOps([
    ...diffSchemas(from, to),
    ...diffEnums(from, to),
    ...diffSequences(from, to),
    ...tables.ops,
    ...diffViews(from, to, tables.reshaped),
    ...diffComments(from, to),
  ]);
}
