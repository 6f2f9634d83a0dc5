import { forgetSql, journalDdl, recordAppliedSql, type JournalRef } from './journal.js';
import type { Migration } from './migration-folder.js';
import { scriptStatements } from './script-statements.js';
import { terminate } from '../sql/sql-split.js';

/**
 * The SQL an upgrade or rollback would run, as one script for a DBA to review or run by hand
 * (Alembic's offline `--sql` mode): each migration in its own transaction with lock_timeout,
 * followed by its journal change.
 */
export function renderOfflineSql(
  migrations: readonly Migration[],
  direction: 'up' | 'down',
  ref: JournalRef,
  lockTimeoutMs: number,
): string {
  const out: string[] = [
    `-- smartem-db ${direction === 'up' ? 'upgrade' : 'downgrade'}: ${migrations.length} migration(s)`,
    `-- Generated ${new Date().toISOString()}. Review before running.`,
    '',
  ];
  if (direction === 'up') out.push(journalDdl(ref), '');
  for (const m of migrations) {
    const script = direction === 'up' ? m.up : m.down;
    out.push(`-- ${direction === 'up' ? 'Applying' : 'Rolling back'} ${m.id} (${script?.file ?? 'no down.sql'})`);
    if (!script) {
      out.push(`-- ERROR: ${m.id} has no down.sql; it cannot be rolled back.`, '');
      continue;
    }
    const statements = scriptStatements(script);
    const record =
      direction === 'up' ? recordAppliedSql(ref, m.id, m.checksum, statements.length) : forgetSql(ref, m.id);
    if (script.transactional) {
      out.push(
        'BEGIN;',
        `SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)};`,
        ...statements.map((s) => terminate(s.sql)),
        record,
        'COMMIT;',
        '',
      );
    } else {
      out.push(
        '-- transaction: no (each statement commits on its own)',
        `SET lock_timeout = ${Math.trunc(lockTimeoutMs)};`,
        ...statements.map((s) => terminate(s.sql)),
        record,
        'RESET lock_timeout;',
        '',
      );
    }
  }
  return out.join('\n');
}
