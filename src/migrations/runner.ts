import { join } from 'node:path';
import type { DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';
import { acquireMigrationLock, releaseMigrationLock } from './advisory-lock.js';
import { withTransaction } from '../db/transaction.js';
import { ensureJournal, readJournal, stampJournal, type JournalRef, type JournalRow } from './journal.js';
import type { Logger } from './logger.js';
import { verifyFolderManifest, type Migration, type MigrationsFolder } from './migration-folder.js';
import { runScript } from './run-script.js';
import { scriptStatements } from './script-statements.js';
import { pickRevert, resolveMigration, resolveUpgradeTarget, type RollbackTarget } from './targets.js';
import { planUpgrade, unfinishedError, verifyApplied } from './upgrade-plan.js';

export interface RunnerContext {
  session: DbSession;
  folder: MigrationsFolder;
  journal: JournalRef;
  lockTimeoutMs: number;
  logger?: Logger;
}

export interface AppliedMigration {
  id: string;
  direction: 'up' | 'down';
  durationMs: number;
  statements: number;
}

export interface RunResult {
  /** What ran, in order. Empty when there was nothing to do. */
  ran: AppliedMigration[];
  /** The last applied migration afterwards, or null at base. */
  head: string | null;
  /** Where: a redacted URL or the embedded database's folder. */
  database: string;
}

export interface UpgradeTarget {
  /** A migration ref (id, number, prefix, `head`) or `+N` for the next N migrations. */
  to?: string;
  allowOutOfOrder?: boolean;
  resume?: boolean;
}

/**
 * Applies pending migrations under the advisory lock. The common case, nothing pending, is one
 * journal read and no DDL and no lock: it runs at every application start.
 */
export async function upgrade(ctx: RunnerContext, target: UpgradeTarget = {}): Promise<RunResult> {
  const { session, folder, journal: ref } = ctx;
  const shown = folder.shown;
  const options = (rows: readonly JournalRow[]) => ({
    to: resolveUpgradeTarget(folder.migrations, appliedIds(rows), target.to),
    allowOutOfOrder: target.allowOutOfOrder,
    resume: target.resume,
  });
  const first = await readJournal(session, ref);
  if (first && first.every((r) => r.status === 'applied')) {
    const plan = planUpgrade(folder.migrations, first, ref, shown, options(first));
    if (plan.pending.length === 0) return { ran: [], head: plan.head, database: session.label };
  }
  if (!first && folder.migrations.length === 0) return { ran: [], head: null, database: session.label };

  return withLock(ctx, async () => {
    // Another process may have applied everything while this one waited: plan again.
    const rows = (await readJournal(session, ref)) ?? [];
    const plan = planUpgrade(folder.migrations, rows, ref, shown, options(rows));
    const ran: AppliedMigration[] = [];
    const total = plan.pending.length;
    const started = performance.now();
    // Every script is split and checked before the first one runs.
    const scripts = plan.pending.map((p) => scriptStatements(p.migration.up));
    for (const [i, { migration, resumeAfterStatement, resuming }] of plan.pending.entries()) {
      const resumed = resuming ? ` (resuming at statement ${resumeAfterStatement + 1})` : '';
      ctx.logger?.info(`[${i + 1}/${total}] Applying ${migration.id}${resumed} ...`);
      const result = await runScript({
        ...runOptions(ctx),
        migration,
        direction: 'up',
        statements: scripts[i]!,
        resumeAfterStatement,
        resuming,
      });
      ran.push({ id: migration.id, direction: 'up', ...result });
      ctx.logger?.info(
        `[${i + 1}/${total}] Applied ${migration.id} in ${result.durationMs} ms (${elapsed(started)} elapsed).`,
      );
    }
    // The head is the last applied migration in folder order, which an out-of-order run does not move.
    const nowApplied = new Set([...appliedIds(rows), ...ran.map((r) => r.id)]);
    const head = folder.migrations.filter((m) => nowApplied.has(m.id)).at(-1)?.id ?? null;
    return { ran, head, database: session.label };
  });
}

/** Runs down.sql of applied migrations, newest first, each in its own transaction. */
export async function downgrade(ctx: RunnerContext, target: RollbackTarget): Promise<RunResult> {
  const { session, folder, journal: ref } = ctx;
  return withLock(ctx, async () => {
    const rows = (await readJournal(session, ref)) ?? [];
    verifyApplied(folder.migrations, rows, ref, folder.shown);
    const unfinished = rows.find((r) => r.status !== 'applied');
    if (unfinished) throw unfinishedError(unfinished, ref);
    const applied = appliedInOrder(folder.migrations, rows);
    const revert = pickRevert(folder.migrations, applied, target);
    for (const m of revert) {
      if (!m.down) {
        throw new SmartemDbError(
          'NO_DOWN_MIGRATION',
          `${join(folder.shown, m.id)}/down.sql is missing, so ${m.id} cannot be rolled back. Nothing was rolled back. ` +
            'Write the down.sql (and run `smartem-db hash`), or stamp past it if the database was reverted by other means.',
        );
      }
    }
    const ran: AppliedMigration[] = [];
    const started = performance.now();
    const scripts = revert.map((m) => scriptStatements(m.down!));
    for (const [i, m] of revert.entries()) {
      ctx.logger?.info(`[${i + 1}/${revert.length}] Rolling back ${m.id} ...`);
      const result = await runScript({ ...runOptions(ctx), migration: m, direction: 'down', statements: scripts[i]! });
      ran.push({ id: m.id, direction: 'down', ...result });
      ctx.logger?.info(`[${i + 1}/${revert.length}] Rolled back ${m.id} in ${result.durationMs} ms (${elapsed(started)} elapsed).`);
    }
    const remaining = applied.slice(0, applied.length - revert.length);
    return { ran, head: remaining.at(-1)?.id ?? null, database: session.label };
  });
}

/**
 * Makes the journal say that exactly the migrations up to `to` are applied, running nothing
 * (Alembic's stamp): how an existing SmartEM database adopts the baseline, and how a failed
 * no-transaction migration that was finished or undone by hand is marked.
 */
export async function stamp(ctx: RunnerContext, to: string): Promise<RunResult> {
  const { session, folder, journal: ref } = ctx;
  const target = resolveMigration(folder.migrations, to);
  return withLock(ctx, async () => {
    const keep = folder.migrations.filter((m) => target !== null && m.number <= target.number);
    await withTransaction(session, () => stampJournal(session, ref, keep));
    ctx.logger?.info(`Stamped ${session.label} at ${target?.id ?? 'base'}; no migration was run.`);
    return { ran: [], head: target?.id ?? null, database: session.label };
  });
}

async function withLock<T>(ctx: RunnerContext, work: () => Promise<T>): Promise<T> {
  // Nothing runs from a folder whose files differ from what was reviewed and hashed.
  verifyFolderManifest(ctx.folder);
  await acquireMigrationLock(ctx.session, ctx.journal, ctx.logger);
  // If this process dies mid-statement, let the server notice within a second and roll back,
  // releasing the advisory lock and table locks, instead of finishing a long statement first.
  // (PostgreSQL 14+; older servers do not know the setting, which only costs that speed-up.)
  await ctx.session.exec("SET client_connection_check_interval = '1s'").catch(() => {});
  try {
    await ensureJournal(ctx.session, ctx.journal);
    return await work();
  } finally {
    await releaseMigrationLock(ctx.session, ctx.journal).catch(() => {});
    // The connection may be the application's own (migrate({ sql })): leave its settings as they were.
    await ctx.session.exec('RESET client_connection_check_interval').catch(() => {});
  }
}

function runOptions(ctx: RunnerContext) {
  return { session: ctx.session, journal: ctx.journal, lockTimeoutMs: ctx.lockTimeoutMs, logger: ctx.logger };
}

export function appliedIds(rows: readonly JournalRow[]): Set<string> {
  return new Set(rows.filter((r) => r.status === 'applied').map((r) => r.id));
}

export function appliedInOrder(migrations: readonly Migration[], rows: readonly JournalRow[]): Migration[] {
  const applied = appliedIds(rows);
  return migrations.filter((m) => applied.has(m.id));
}

function elapsed(started: number): string {
  const s = (performance.now() - started) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
