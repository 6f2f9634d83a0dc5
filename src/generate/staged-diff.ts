import type { Catalog } from '../catalog/catalog.js';
import { introspect, type IntrospectOptions } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import { inRolledBackTransaction } from '../db/transaction.js';
import { diffCatalogs } from '../diff/diff-catalogs.js';
import { partitionMoves } from '../diff/partition-moves.js';
import { SmartemDbError } from '../errors.js';
import type { Op } from '../ops/op.js';
import { invertAll } from '../render/op-kinds.js';
import { renderScript } from '../render/render-script.js';
import { renameOps, type Hints } from './hints.js';
import { parseQualified, quoteLiteral } from '../sql/quote.js';

/**
 * The ops that turn `have` (the state the database `session` gives holds) into `want`: first the steps a diff of two
 * catalogs cannot tell from a drop and a create (the renames the hints ask for, then tables that
 * join or leave a partitioned table: partitionMoves), then the diff of what is left, from the
 * state those steps give: they are run on `session` in a transaction that is rolled back, and it
 * is read. The database is asked for only when there are such steps. A partition move PostgreSQL refuses (the table's columns are not the parent's, a row
 * outside the bounds) is left out, and the table is dropped and created as before; a rename hint
 * that does not apply is an error.
 *
 * @example const ops = await diffInSteps(states.replay, have, want, hints, { excludeSchemas: ['smartem_db'] });
 */
export async function diffInSteps(
  database: () => Promise<DbSession>,
  have: Catalog,
  want: Catalog,
  hints: Hints,
  exclude: IntrospectOptions,
): Promise<Op[]> {
  const renames = renameOps(hints);
  if (renames.length === 0 && partitionMoves(have, want).length === 0) return diffCatalogs(have, want);
  const session = await database();
  return inRolledBackTransaction(session, async () => {
    let state = have;
    if (renames.length) {
      await applyRenames(session, renames);
      state = await introspect(session, exclude);
    }
    let moves = partitionMoves(state, want);
    let before: Op[] = [];
    if (moves.length) {
      await session.exec('SAVEPOINT smartem_partition_moves');
      try {
        ({ state, before, moves } = await movedState(session, state, moves, exclude));
      } catch {
        await session.exec('ROLLBACK TO SAVEPOINT smartem_partition_moves');
        moves = [];
      }
    }
    return [...renames, ...before, ...moves, ...withoutMoved(diffCatalogs(state, want), moves)];
  });
}

/**
 * The ops without the partitions `moves` attach or detach among the ones they build on one by
 * one: the indexes an attach is preceded by, and the down's detach is followed by the drop of, are
 * named as PostgreSQL names a partitioned index's parts, so their parent's statement builds them
 * (under its lock, which the lint names) instead.
 */
function withoutMoved(ops: Op[], moves: readonly Op[]): Op[] {
  const moved = new Set(
    moves.flatMap((m) => {
      const table =
        m.kind === 'attachPartition' || m.kind === 'detachPartition' ? parseQualified(m.partition) : undefined;
      return table ? [`${table.schema}.${table.name}`] : [];
    }),
  );
  if (moved.size === 0) return ops;
  return ops.map((op) => {
    if (!('partitioned' in op) || !op.partitioned) return op;
    const leaves = op.partitioned.leaves.filter((l) => !moved.has(`${l.schema}.${l.name}`));
    return { ...op, partitioned: { leaves } };
  });
}

/**
 * The state after `moves`, and what must come before them so that undoing them (the down) gives
 * `from` again: a detached partition keeps the indexes its parent's indexes made on it when it
 * was attached, so an attach is preceded by those indexes on the table (which the attach then
 * takes as its parts), and the down's detach is followed by their drop.
 */
async function movedState(
  session: DbSession,
  from: Catalog,
  moves: Op[],
  exclude: IntrospectOptions,
): Promise<{ state: Catalog; before: Op[]; moves: Op[] }> {
  // The partition's constraint (the online forms need it), read where the table is a partition:
  // before a detach, after an attach.
  const withCheck = async (move: Op): Promise<Op> => {
    if (move.kind !== 'attachPartition' && move.kind !== 'detachPartition') return move;
    const table = `${quoteLiteral(move.partition)}::regclass`;
    const [row] = await session.query<{ check: string | null; names: string }>(
      `SELECT pg_get_partition_constraintdef(${table}) AS check,
              coalesce((SELECT json_agg(conname ORDER BY conname) FROM pg_constraint WHERE conrelid = ${table} AND contype = 'c'), '[]')::text AS names`,
    );
    return row?.check
      ? { ...move, partitionCheck: row.check, partitionCheckNames: JSON.parse(row.names) as string[] }
      : move;
  };
  const withChecks: Op[] = [];
  for (const move of moves) withChecks.push(move.kind === 'detachPartition' ? await withCheck(move) : move);
  await runOps(session, withChecks);
  for (const [i, move] of withChecks.entries()) {
    if (move.kind === 'attachPartition') withChecks[i] = await withCheck(move);
  }
  const state = await introspect(session, exclude);
  await session.exec('SAVEPOINT smartem_partition_moves_back');
  await runOps(session, invertAll(withChecks));
  const back = await introspect(session, exclude);
  await session.exec('ROLLBACK TO SAVEPOINT smartem_partition_moves_back');
  return { state, before: invertAll(diffCatalogs(back, from)), moves: withChecks };
}

async function applyRenames(session: DbSession, renames: Op[]): Promise<void> {
  await runOps(session, renames, (sql, error) => {
    throw new SmartemDbError(
      'BAD_HINT',
      `The rename hint "${sql}" does not apply to the current schema: ${(error as Error).message}`,
      { cause: error },
    );
  });
}

/** Runs `ops` (their plain form) statement by statement on `session`; `failed` says what a failing one means. */
export async function runOps(
  session: DbSession,
  ops: Op[],
  failed: (sql: string, error: unknown) => never = (_sql, error) => {
    throw error;
  },
): Promise<void> {
  for (const statement of renderScript(ops).statements) {
    try {
      await session.exec(statement.sql);
    } catch (error) {
      failed(statement.sql, error);
    }
  }
}
