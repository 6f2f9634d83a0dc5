import { SmartemDbError } from '../errors.js';
import type { Migration } from './migration-folder.js';

/**
 * Resolves what a user typed as a migration to one migration: its full id, its number (`3` or
 * `003`), or a unique prefix of its id. `base` (before the first) resolves to null; `head` to the
 * last one.
 *
 * @example resolveMigration(migrations, '002') // the migration numbered 002
 */
export function resolveMigration(migrations: readonly Migration[], ref: string): Migration | null {
  if (ref === 'base') return null;
  if (ref === 'head' || ref === 'heads') {
    const last = migrations.at(-1);
    if (!last) throw new SmartemDbError('UNKNOWN_TARGET', 'There are no migrations, so there is no head.');
    return last;
  }
  const exact = migrations.find((m) => m.id === ref);
  if (exact) return exact;
  if (/^\d+$/.test(ref)) {
    const byNumber = migrations.find((m) => m.number === Number(ref));
    if (byNumber) return byNumber;
  }
  const matches = migrations.filter((m) => m.id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  const known = migrations.map((m) => `  ${m.id}`).join('\n') || '  (none)';
  throw new SmartemDbError(
    'UNKNOWN_TARGET',
    matches.length > 1
      ? `"${ref}" matches ${matches.length} migrations (${matches.map((m) => m.id).join(', ')}); give more of the id.`
      : `No migration matches "${ref}". Known migrations:\n${known}`,
  );
}

/** Which migrations a rollback reverts: the last `steps`, everything after `to` (kept), or all (`'base'`). */
export type RollbackTarget = { steps: number } | { to: string } | 'base';

/**
 * Reads a downgrade target as typed on the command line: `-N` (the last N), `base`, or a
 * migration ref (rolled back to, and kept).
 *
 * @example parseRollbackTarget('-1') // { steps: 1 }
 */
export function parseRollbackTarget(text: string): RollbackTarget {
  const steps = /^-(\d+)$/.exec(text);
  return steps ? { steps: Number(steps[1]) } : text === 'base' ? 'base' : { to: text };
}

/** The applied migrations a rollback reverts, newest first. */
export function pickRevert(
  migrations: readonly Migration[],
  applied: readonly Migration[],
  target: RollbackTarget,
): Migration[] {
  if (target === 'base') return [...applied].reverse();
  if ('steps' in target) {
    if (!Number.isInteger(target.steps) || target.steps < 1) {
      throw new SmartemDbError(
        'UNKNOWN_TARGET',
        `Cannot roll back ${target.steps} steps: give a whole number of 1 or more.`,
      );
    }
    if (target.steps > applied.length) {
      throw new SmartemDbError(
        'UNKNOWN_TARGET',
        `Cannot roll back ${target.steps} migrations: only ${applied.length} ${applied.length === 1 ? 'is' : 'are'} applied. ` +
          'Nothing was rolled back. To roll back everything, say so: downgrade base.',
      );
    }
    return applied.slice(applied.length - target.steps).reverse();
  }
  const to = resolveMigration(migrations, target.to);
  if (to && !applied.includes(to)) {
    throw new SmartemDbError('UNKNOWN_TARGET', `Cannot roll back to ${to.id}: it is not applied.`);
  }
  return applied.filter((m) => to === null || m.number > to.number).reverse();
}

/**
 * The last migration an upgrade may apply: undefined for all, null for none, else the migration
 * named by a ref or by `+N` (the next N pending ones).
 */
export function resolveUpgradeTarget(
  migrations: readonly Migration[],
  applied: ReadonlySet<string>,
  to: string | undefined,
): Migration | null | undefined {
  if (to === undefined) return undefined;
  const relative = /^\+(\d+)$/.exec(to);
  if (!relative) return resolveMigration(migrations, to);
  const steps = Number(relative[1]);
  if (steps === 0) return null;
  const pending = migrations.filter((m) => !applied.has(m.id));
  return pending[Math.min(steps, pending.length) - 1];
}
