import { SmartemDbError } from '../errors.js';
import type { MigrationScript } from './migration-folder.js';
import { splitStatements, type SqlStatement } from '../sql/sql-split.js';
import { transactionControl } from './statement-kind.js';

/**
 * A script's statements, checked before anything of it runs: a transactional script may not end
 * its own transaction (a COMMIT in it would commit part of the migration, and the rest would
 * then run outside any transaction).
 *
 * @example scriptStatements(migration.up) // throws for "-- transaction: yes" scripts containing COMMIT
 */
export function scriptStatements(script: MigrationScript): SqlStatement[] {
  const statements = splitStatements(script.text);
  const problem = transactionControlProblem(script, statements);
  if (problem) throw new SmartemDbError('MIGRATIONS_FOLDER_INVALID', problem);
  return statements;
}

/** The message for the first transaction-control statement of a transactional script, if any. */
export function transactionControlProblem(
  script: MigrationScript,
  statements: readonly SqlStatement[],
): string | undefined {
  if (!script.transactional) return undefined;
  for (const [k, s] of statements.entries()) {
    const control = transactionControl(s.sql);
    if (control) {
      return (
        `${script.file}:${s.line}: statement ${k + 1} is ${control}, but this script runs in a transaction that smartem-db ` +
        'opens and commits (with its journal entry). Remove it; or, if the script really must commit in steps, ' +
        'declare "-- transaction: no" in its header, where each statement commits on its own.'
      );
    }
  }
  return undefined;
}
