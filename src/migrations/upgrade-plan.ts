import { join } from 'node:path';
import { SmartemDbError } from '../errors.js';
import { journalLabel, type JournalRef, type JournalRow } from './journal.js';
import { splitStatements } from '../sql/sql-split.js';
import { checksumOfFirst } from './statements-checksum.js';
import type { Migration } from './migration-folder.js';

interface UpgradePlan {
  /** Migrations to run, in order; a resumed one starts after its last completed statement. */
  pending: PendingMigration[];
  /** The last applied migration before the plan runs. */
  head: string | null;
  /** The contract that waits to be asked for (holdContracts), and stops the plan before it. */
  heldBack?: Migration;
}

interface PendingMigration {
  migration: Migration;
  /** Statements already done by an earlier, unfinished run of this no-transaction migration. */
  resumeAfterStatement: number;
  /** Whether an earlier run stopped midway (then the statement it stopped at is checked first). */
  resuming: boolean;
}

interface UpgradeOptions {
  /** Last migration to apply (inclusive); everything pending when omitted. */
  to?: Migration | null;
  allowOutOfOrder?: boolean;
  /** Re-run a no-transaction migration that failed midway, from the statement that failed. */
  resume?: boolean;
  /**
   * Stop before the first contract migration (`-- contracts: <expand>`): an application's start
   * and `upgrade` apply the expand, and the contract only when asked, after the rollout.
   */
  holdContracts?: boolean;
}

/**
 * Checks the journal against the migrations on disk and decides what upgrade runs. Pure: it
 * throws the integrity errors (an applied migration missing or edited, an earlier failure, an
 * out-of-order migration) before anything touches the database.
 */
export function planUpgrade(
  migrations: readonly Migration[],
  journal: readonly JournalRow[],
  ref: JournalRef,
  folder: string,
  options: UpgradeOptions = {},
): UpgradePlan {
  verifyApplied(migrations, journal, ref, folder);
  const rows = new Map(journal.map((r) => [r.id, r]));
  const unfinished = journal.filter((r) => r.status !== 'applied');
  const blocking = unfinished.find((r) => !options.resume || r.direction === 'down');
  if (blocking) throw unfinishedError(blocking, ref);

  const applied = migrations.filter((m) => rows.get(m.id)?.status === 'applied');
  const lastApplied = applied.at(-1);
  const limit = options.to === undefined ? Infinity : options.to === null ? -Infinity : options.to.number;
  let pending = migrations
    .filter((m) => rows.get(m.id)?.status !== 'applied' && m.number <= limit)
    .map((m) => {
      const row = rows.get(m.id);
      return { migration: m, resumeAfterStatement: row?.statementsDone ?? 0, resuming: row !== undefined };
    });
  const held = options.holdContracts ? firstContract(pending.map((p) => p.migration)) : -1;
  const heldBack = held >= 0 ? pending[held]!.migration : undefined;
  if (heldBack && options.to) {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      `${heldBack.id} is the contract of ${heldBack.contracts}: it drops what the application's previous version still uses, ` +
        `so it runs only when asked. Once no instance of the previous version runs, apply it with \`smartem-db upgrade --contract\` ` +
        `(migrate({ contract: true })); or upgrade to a migration before it.`,
    );
  }
  if (heldBack) pending = pending.slice(0, held);

  if (lastApplied && !options.allowOutOfOrder) {
    const early = pending.filter((p) => p.migration.number < lastApplied.number);
    if (early.length > 0) {
      throw new SmartemDbError(
        'OUT_OF_ORDER',
        `${early.map((p) => join(folder, p.migration.id)).join(', ')} ${early.length === 1 ? 'is' : 'are'} not applied, ` +
          `but ${lastApplied.id}, which sorts after, already is. This happens when a branch that added a migration ` +
          "is merged after another branch's migration was applied. Renumber the late migration to come last " +
          '(set its parent to the current head, then run `smartem-db hash`), or, if it is independent of the ' +
          'later ones, apply it out of order with --allow-out-of-order.',
      );
    }
  }
  return { pending, head: lastApplied?.id ?? null, ...(heldBack ? { heldBack } : {}) };
}

/**
 * Where the run stops when contracts are held back: the first pending migration that is a
 * contract (`-- contracts: <expand>`), or -1. What follows it waits with it, as order is the number.
 */
export function firstContract(pending: readonly { contracts?: string | undefined }[]): number {
  return pending.findIndex((m) => m.contracts !== undefined);
}

/**
 * Every migration the journal records must still be on disk with the checksum it was applied
 * with; otherwise the database and the folder no longer describe the same history. A
 * no-transaction migration that stopped midway may be fixed, as long as the statements it
 * already ran stay as they were.
 */
export function verifyApplied(
  migrations: readonly Migration[],
  journal: readonly JournalRow[],
  ref: JournalRef,
  folder: string,
): void {
  const byId = new Map(migrations.map((m) => [m.id, m]));
  for (const row of journal) {
    const migration = byId.get(row.id);
    if (!migration) {
      throw new SmartemDbError(
        'APPLIED_MIGRATION_MISSING',
        `Migration ${row.id} is recorded in ${journalLabel(ref)} as ${row.status} (at ${row.appliedAt.toISOString()}), ` +
          `but ${join(folder, row.id)}/ does not exist. Restore it from version control; if the database really ` +
          'should forget it, roll it back with the folder restored, or `smartem-db stamp` the right head.',
      );
    }
    if (migration.checksum === row.checksum) continue;
    if (row.status === 'applied') {
      throw new SmartemDbError(
        'CHECKSUM_MISMATCH',
        `${migration.up.file} was edited after it was applied: the journal recorded ${row.checksum}, the file now has ` +
          `${migration.checksum}. An applied migration must not change; revert the edit and put the change in a new migration.`,
      );
    }
    const problem = unfinishedEditProblem(migration, row);
    if (problem) throw new SmartemDbError('CHECKSUM_MISMATCH', problem);
  }
}

/**
 * Why an edit to an unfinished migration cannot be accepted, or undefined when it can: only the
 * statements after those already done may change.
 */
export function unfinishedEditProblem(migration: Migration, row: JournalRow): string | undefined {
  const done = row.statementsDone;
  if (row.direction === 'down') {
    return `${migration.up.file} was edited while a rollback of ${migration.id} is unfinished; revert the edit, finish the rollback by hand and stamp.`;
  }
  if (done === 0) return undefined;
  const statements = splitStatements(migration.up.text);
  const range = done === 1 ? 'statement 1' : `statements 1-${done}`;
  if (row.doneChecksum === null) {
    return (
      `${migration.up.file} was edited after ${migration.id} stopped at statement ${done + 1}, and the journal (written by an ` +
      `older smartem-db) cannot tell whether ${range}, already applied, changed. Revert the edit, or finish the migration by hand ` +
      `and \`smartem-db stamp ${migration.id}\`.`
    );
  }
  if (statements.length < done || checksumOfFirst(statements, done) !== row.doneChecksum) {
    return (
      `${migration.up.file} was edited after ${migration.id} stopped at statement ${done + 1}, and the edit changes ${range}, ` +
      'which already ran and stay applied. Restore those exactly as they were; change only the statements from ' +
      `${done + 1} on, then \`smartem-db hash\` and \`smartem-db upgrade --resume\`.`
    );
  }
  return undefined;
}

export function unfinishedError(row: JournalRow, ref: JournalRef): SmartemDbError {
  const at = row.statementsDone + 1;
  const how = row.status === 'running' ? 'was interrupted' : 'failed';
  if (row.direction === 'down') {
    return new SmartemDbError(
      'PREVIOUS_MIGRATION_FAILED',
      `Rolling back migration ${row.id} (no transaction) ${how} at statement ${at} ` +
        `of its down.sql${row.error ? `: ${row.error}` : ''}. Of down.sql, ${doneStatements(row.statementsDone)}. Finish or ` +
        `undo the rollback by hand, then run \`smartem-db stamp ${row.id}\` (undone) or \`smartem-db stamp <previous id>\` (finished).`,
    );
  }
  const keep =
    row.statementsDone === 0
      ? ''
      : ` (${row.statementsDone === 1 ? 'statement 1 stays' : `statements 1-${row.statementsDone} stay`} as it ran)`;
  return new SmartemDbError(
    'PREVIOUS_MIGRATION_FAILED',
    `Migration ${row.id} (no transaction) ${how} at statement ${at} of ${row.statementsTotal}` +
      `${row.error ? `: ${row.error}` : ''}. Of up.sql, ${doneStatements(row.statementsDone)} (still in effect; ` +
      `see ${journalLabel(ref)}). To recover, fix the cause, in the database or in up.sql from statement ${at} on${keep} ` +
      `followed by \`smartem-db hash\`, then run \`smartem-db upgrade --resume\` to run it again from statement ${at} ` +
      '(an index that a concurrent build left INVALID is dropped and built again; one it finished is kept). Or finish or ' +
      `undo it by hand and run \`smartem-db stamp ${row.id}\` (finished) or \`smartem-db stamp <previous id>\` (undone).`,
  );
}

/** "no statement was applied" / "statement 1 was applied" / "statements 1-3 were applied". */
export function doneStatements(done: number): string {
  if (done === 0) return 'no statement was applied';
  return done === 1 ? 'statement 1 was applied' : `statements 1-${done} were applied`;
}
