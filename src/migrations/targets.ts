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
