import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import { introspect } from '../catalog/introspect.js';
import type { DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';
import type { JournalRef } from '../migrations/journal.js';
import type { Logger } from '../migrations/logger.js';
import { readMigrationsFolder, rehashMigrationsFolder, type Migration } from '../migrations/migration-folder.js';
import { parseMigrationName } from '../migrations/migration-name.js';
import { MANIFEST_FILE } from '../migrations/manifest.js';
import { downgrade, upgrade } from '../migrations/runner.js';
import { SCRATCH_ROWS_ARE_SAMPLES, scratchRunner } from '../scratch/replay.js';
import { withScratchDatabases, type ScratchTarget } from '../scratch/scratch-databases.js';

interface RebaseInput {
  /** The migrations folder, in a git work tree. */
  folder: string;
  /** The branch whose migrations stay as they are (default: the upstream branch, else main). */
  onto?: string | undefined;
  journal: JournalRef;
  scratch: ScratchTarget;
  /** Ids any configured database has applied: such a migration must not move. */
  appliedSomewhere: (ids: string[]) => Promise<{ database: string; ids: string[] } | undefined>;
  logger?: Logger | undefined;
}

export interface RebaseReport {
  onto: string;
  /** Each of this branch's migrations that moved, old id to new id, in order. */
  moved: { from: string; to: string }[];
  message: string;
}

/**
 * Alembic's merge in a linear world: two branches each added a migration, and the other branch's
 * have arrived (git merge). This branch's migrations (those `onto` does not have) are numbered
 * after the other branch's, their parent headers rewritten, the manifest written again, and each
 * moved migration proved on top of the new history on a scratch database (up, down gives back
 * exactly the state before, up again). One that no longer applies is reported and nothing is
 * written. A migration that a configured database has applied is never moved.
 */
export async function rebaseMigrations(input: RebaseInput): Promise<RebaseReport> {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: input.folder, stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
  let top: string;
  try {
    top = git('rev-parse', '--show-toplevel');
  } catch {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      `${input.folder} is not in a git work tree: rebase tells the branches' migrations apart with git.`,
    );
  }
  const onto = input.onto ?? upstreamOf(git) ?? 'main';
  try {
    git('rev-parse', '--verify', '--quiet', `${onto}^{commit}`);
  } catch {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      `"${onto}" is not a branch or commit here; name the branch whose migrations stay with --onto.`,
    );
  }
  const inRepo = relative(top, input.folder) || '.';
  // --full-tree: run in a subfolder (the migrations folder), ls-tree would list only what lies
  // under that subfolder of the tree it is given, that is nothing, and every migration would
  // count as this branch's, the other branch's too.
  const theirIds = new Set(
    git('ls-tree', '--full-tree', '--name-only', `${onto}:${inRepo === '.' ? '' : inRepo}`)
      .split('\n')
      .filter((name) => parseMigrationName(name)),
  );
  const folder = readMigrationsFolder(input.folder, { verify: false, allowDuplicateNumbers: true });
  const onDisk = new Set(folder.migrations.map((m) => m.id));
  const missing = [...theirIds].filter((id) => !onDisk.has(id));
  if (missing.length > 0) {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      `${onto} has migrations that are not here yet (${missing.join(', ')}): merge it first (git merge ${onto}), then rebase.`,
    );
  }
  const theirs = folder.migrations.filter((m) => theirIds.has(m.id));
  const ours = folder.migrations.filter((m) => !theirIds.has(m.id));
  const last = theirs.at(-1);
  const next = (last?.number ?? 0) + 1;
  const ids = ours.map((m, i) => renumber(m.id, next + i));
  const renamed = ours.map((m, i) => ({
    migration: m,
    id: ids[i]!,
    parent: i === 0 ? (last?.id ?? null) : ids[i - 1]!,
  }));
  const moved = renamed.filter((r) => r.id !== r.migration.id || r.parent !== (r.migration.parent ?? null));
  if (moved.length === 0) {
    rehashMigrationsFolder(input.folder);
    return {
      onto,
      moved: [],
      message: `This branch's migrations already follow ${onto}'s; the manifest was written again.`,
    };
  }
  const applied = await input.appliedSomewhere(moved.map((r) => r.migration.id));
  if (applied) {
    throw new SmartemDbError(
      'INVALID_ARGUMENT',
      `${applied.database} has applied ${applied.ids.join(', ')}, so ${applied.ids.length === 1 ? 'it' : 'they'} cannot move: ` +
        'that database would no longer match the folder. Nothing was changed. Roll it back there first, or put the ' +
        `other branch's change in a new migration after it instead.`,
    );
  }

  // The new folder is built and proved in a copy inside it (a dot-folder, which is no migration),
  // so nothing goes to the system's temporary folder; the real one changes only after.
  const temp = mkdtempSync(join(input.folder, '.rebase-'));
  try {
    for (const m of theirs) cpSync(join(input.folder, m.id), join(temp, m.id), { recursive: true });
    for (const r of renamed) writeMoved(input.folder, temp, r.migration, r.id, r.parent);
    rehashMigrationsFolder(temp);
    await prove(
      temp,
      renamed.map((r) => r.id),
      input,
    );
    for (const r of moved) rmSync(join(input.folder, r.migration.id), { recursive: true, force: true });
    for (const r of renamed) {
      rmSync(join(input.folder, r.id), { recursive: true, force: true });
      cpSync(join(temp, r.id), join(input.folder, r.id), { recursive: true });
    }
    writeFileSync(join(input.folder, MANIFEST_FILE), readFileSync(join(temp, MANIFEST_FILE)));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  const pairs = moved.map((r) => ({ from: r.migration.id, to: r.id }));
  return {
    onto,
    moved: pairs,
    message:
      `Numbered this branch's ${pairs.length === 1 ? 'migration' : `${pairs.length} migrations`} after ${onto}'s (${pairs.map((p) => `${p.from} -> ${p.to}`).join(', ')}), ` +
      `proved each on top of the new history, and wrote ${MANIFEST_FILE} again. Review, then commit (git add ${basename(input.folder)}).`,
  };
}

function upstreamOf(git: (...args: string[]) => string): string | undefined {
  try {
    return git('rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}') || undefined;
  } catch {
    return undefined; // no upstream branch configured: the caller falls back to main
  }
}

/** The id with its number replaced: `2026_01_02_1200-002_feature` numbered 3 is `2026_01_02_1200-003_feature`. */
function renumber(id: string, number: number): string {
  return id.replace(/-(\d{3,})_/, `-${String(number).padStart(3, '0')}_`);
}

/** Writes a moved migration under its new id, with its header's id and parent lines rewritten. */
function writeMoved(from: string, to: string, migration: Migration, id: string, parent: string | null): void {
  mkdirSync(join(to, id), { recursive: true });
  for (const file of ['up.sql', 'down.sql']) {
    let text: string;
    try {
      text = readFileSync(join(from, migration.id, file), 'utf8');
    } catch {
      continue; // a migration without a down.sql: there is nothing to move
    }
    const rewritten = text
      .replace(/^(--\s*smartem-db migration )\S+/m, `$1${id}`)
      .replace(/^(--\s*parent\s*:\s*).*$/m, `$1${parent ?? 'none'}`);
    writeFileSync(join(to, id, file), rewritten);
  }
}

/**
 * On a scratch database: the history up to the first moved migration, then each moved one up,
 * down (which must give back exactly the state before) and up again.
 */
async function prove(folderPath: string, movedIds: string[], input: RebaseInput): Promise<void> {
  const folder = readMigrationsFolder(folderPath);
  await withScratchDatabases(input.scratch, 1, async ([session]) => {
    const ctx = scratchRunner(session as DbSession, folder, input.journal);
    const exclude = { excludeSchemas: [input.journal.schema] };
    const firstMoved = folder.migrations.findIndex((m) => m.id === movedIds[0]);
    const before = folder.migrations[firstMoved - 1];
    if (before) await upgrade(ctx, { to: before.id });
    for (const id of movedIds) {
      input.logger?.info(`Proving ${id} on top of the new history: up, down, up ...`);
      const state = await introspect(session!, exclude);
      try {
        await upgrade(ctx, { to: id });
        await downgrade(ctx, { steps: 1 }, SCRATCH_ROWS_ARE_SAMPLES);
      } catch (error) {
        throw new SmartemDbError(
          'PROOF_FAILED',
          `${id} no longer applies on top of the other branch's migrations: ${(error as Error).message}\n` +
            'Nothing was changed. Regenerate it (git checkout the folder, remove it, smartem-db generate again) or edit it to fit.',
          { cause: error },
        );
      }
      const back = catalogDifferences(await introspect(session!, exclude), state);
      if (back.length > 0) {
        throw new SmartemDbError(
          'PROOF_FAILED',
          `${id}'s down.sql no longer gives back the state before it on top of the other branch's migrations:\n` +
            `${back.map((d) => `  - ${d}`).join('\n')}\nNothing was changed.`,
        );
      }
      await upgrade(ctx, { to: id });
    }
  });
}
