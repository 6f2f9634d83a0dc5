import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, diff, generate, hash } from '../../src/api.js';
import type { Logger } from '../../src/migrations/logger.js';
import { codeFingerprint, packageVersion } from '../../src/config/package-root.js';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { journalOf } from '../../src/options.js';
import { keptEmbeddedReplay, keptReplayName, replayKeys } from '../../src/scratch/replay-cache.js';
import { databaseUrl, query, serverUrl, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

// A random table name: the kept replay's key is the folder's content, so another test file with
// the same model would share it.
const table = `grid_${Math.random().toString(16).slice(2, 10)}`;
const model = (columns: string) =>
  `${HEADER}export const grid = pgTable('${table}', { uuid: varchar('uuid').primaryKey()${columns} });\n`;

type Options = Omit<Parameters<typeof generate>[0], 'name'>;

/**
 * Writes the next migration and takes it back: its files, whether the folder's state came from a
 * kept replay, and whether that replay held only part of the folder (the rest run on it).
 */
async function write(options: Options, cache: boolean): Promise<{ files: string[]; copied: boolean; partly: boolean }> {
  const said: string[] = [];
  const logger = { info: (m: string) => said.push(m), warn: (m: string) => said.push(m) };
  const result = await generate({ ...options, name: 'probe', cache, now: new Date(0), logger });
  expect(result.id, 'a migration to write').not.toBeNull();
  const dir = join(options.migrationsFolder!, result.id!);
  const files = [readFileSync(join(dir, 'up.sql'), 'utf8'), readFileSync(join(dir, 'down.sql'), 'utf8')];
  rmSync(dir, { recursive: true });
  hash(options);
  return {
    files,
    copied: said.some((m) => m.includes('taken from a kept replay')),
    partly: said.some((m) => /kept replay of the first \d+ migration\(s\), and the other \d+ run on it/.test(m)),
  };
}

/** generate with its caches, checked against what --no-cache wrote for the same inputs: the same files. */
async function sameAs(expected: string[], options: Options): Promise<{ copied: boolean; partly: boolean }> {
  const cached = await write(options, true);
  expect(cached.files, 'the kept replay changed the answer').toEqual(expected);
  return { copied: cached.copied, partly: cached.partly };
}

/**
 * A project whose folder holds the baseline of a one-table model, and whose model has one more
 * column since: every generate writes the same migration, and --no-cache says which.
 */
async function projectWithChange(connection: { url?: string }) {
  const p = tempProject(model(''));
  const options = (): Options => ({
    migrationsFolder: p.migrations,
    schema: p.schema,
    cwd: p.dir,
    env: {},
    ...connection,
  });
  await generate({ ...options(), name: 'baseline' });
  p.setSchema(model(", name: varchar('name')"));
  const expected = (await write(options(), false)).files;
  /**
   * The folder grows by the migration generate writes, and the model changes again: the next
   * run takes the kept replay of the folder it grew from and runs the new migration on it; then
   * the grown folder's own replay is kept.
   */
  const grow = async () => {
    expect((await generate({ ...options(), name: 'grown' })).id).not.toBeNull();
    p.setSchema(model(", name: varchar('name'), note: varchar('note')"));
    const grown = (await write(options(), false)).files;
    expect(await sameAs(grown, options())).toEqual({ copied: true, partly: true });
    expect(await sameAs(grown, options())).toEqual({ copied: true, partly: false });
  };
  return { p, options, grow, sameAsWithoutCache: (o: Options) => sameAs(expected, o) };
}

const keyOf = (folder: string) =>
  replayKeys(readMigrationsFolder(folder), journalOf({}), `${packageVersion()} ${codeFingerprint()}`).at(-1)!;

describe('generate: the kept replay of the migrations folder', () => {
  // Several whole CLI runs, each with scratch databases: on a busy machine that is over a minute.
  it('on a server: a kept database, taken next time and kept again, replaced when changed by hand or gone, grown on, never wrong', async () => {
    const { p, options, grow, sameAsWithoutCache } = await projectWithChange({ url: db.url });

    // First time at this folder: replayed, and kept (nobody may connect to it) once the proof gave it back as it was.
    expect((await sameAsWithoutCache(options())).copied).toBe(false);
    const kept = keptReplayName(keyOf(p.migrations));
    const [row] = await query<{ datallowconn: boolean }>(
      serverUrl(),
      'SELECT datallowconn FROM pg_database WHERE datname = $1',
      [kept],
    );
    expect(row).toEqual({ datallowconn: false });
    // Next time: taken (and kept again).
    expect((await sameAsWithoutCache(options())).copied).toBe(true);

    // Changed by hand (a row): found out, replayed and kept anew, without the stray row.
    await query(serverUrl(), `ALTER DATABASE "${kept}" ALLOW_CONNECTIONS true`);
    await query(databaseUrl(kept), `INSERT INTO "${table}" (uuid) VALUES ('stray')`);
    await query(serverUrl(), `ALTER DATABASE "${kept}" ALLOW_CONNECTIONS false`);
    expect((await sameAsWithoutCache(options())).copied).toBe(false);
    await query(serverUrl(), `ALTER DATABASE "${kept}" ALLOW_CONNECTIONS true`);
    expect(await query(databaseUrl(kept), `SELECT count(*)::int AS n FROM "${table}"`)).toEqual([{ n: 0 }]);
    await query(serverUrl(), `ALTER DATABASE "${kept}" ALLOW_CONNECTIONS false`);
    expect((await sameAsWithoutCache(options())).copied).toBe(true);

    // Gone: replayed again.
    await query(serverUrl(), `DROP DATABASE "${kept}"`);
    expect((await sameAsWithoutCache(options())).copied).toBe(false);

    // A migration edited by hand (and rehashed) is another folder: not the kept one.
    const baseline = readMigrationsFolder(p.migrations).migrations[0]!;
    const up = join(p.migrations, baseline.id, 'up.sql');
    const original = readFileSync(up, 'utf8');
    writeFileSync(up, `${original}\nSELECT 1;\n`);
    hash(options());
    expect(keptReplayName(keyOf(p.migrations))).not.toBe(kept);
    const afterEdit = (await write(options(), false)).files;
    expect((await sameAs(afterEdit, options())).copied).toBe(false);
    expect((await sameAs(afterEdit, options())).copied).toBe(true);
    // Back on the first branch's folder: its kept replay is still there, and right.
    writeFileSync(up, original);
    hash(options());
    expect((await sameAsWithoutCache(options())).copied).toBe(true);
    await grow();
    await query(serverUrl(), `DROP DATABASE IF EXISTS "${keptReplayName(keyOf(p.migrations))}"`);
    await query(serverUrl(), `DROP DATABASE IF EXISTS "${kept}"`);
  }, 120_000);

  it('check --model-only and diff take the kept replay too, with the answers of --no-cache', async () => {
    const { p, options } = await projectWithChange({ url: db.url });
    await write(options(), true); // kept now
    const run = async <T>(work: (o: Options & { logger: Logger }) => Promise<T>) => {
      const said: string[] = [];
      const answer = await work({ ...options(), logger: { info: (m) => said.push(m), warn: (m) => said.push(m) } });
      return { answer, taken: said.some((m) => m.includes('taken from a kept replay')) };
    };
    const checked = (cache: boolean) => run((o) => check({ ...o, modelOnly: true, cache }));
    const diffed = (cache: boolean) => run((o) => diff({ ...o, from: 'migrations', to: 'schema', cache }));
    const [checkedFresh, diffedFresh] = [await checked(false), await diffed(false)];
    expect(checkedFresh.answer.model.differences).toEqual([`column public.${table}.name: absent, expected present`]);
    expect(diffedFresh.answer.sql).toContain('ADD COLUMN "name"');
    for (let i = 0; i < 2; i++) {
      expect(await checked(true)).toEqual({ ...checkedFresh, taken: true });
      expect(await diffed(true)).toEqual({ ...diffedFresh, taken: true });
    }
    await query(serverUrl(), `DROP DATABASE IF EXISTS "${keptReplayName(keyOf(p.migrations))}"`);
  }, 120_000);

  it('on a server: keeping one prunes kept replays beyond the newest 8, but spares any kept in the last ten minutes', async () => {
    const { p, options } = await projectWithChange({ url: db.url });
    // Ten old ones as a run long ago kept them (the date is in the comment), oldest first, and a recent one.
    const hex = () => Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
    const old = Array.from({ length: 10 }, (_, i) => ({
      name: keptReplayName(hex()),
      at: new Date(Date.UTC(2020, 0, 1 + i)).toISOString(),
    }));
    const recent = { name: keptReplayName(hex()), at: new Date(Date.now() - 60_000).toISOString() };
    for (const f of [...old, recent]) {
      await query(serverUrl(), `CREATE DATABASE "${f.name}"`);
      await query(
        serverUrl(),
        `COMMENT ON DATABASE "${f.name}" IS 'smartem-db: the migrations folder replayed, kept ${f.at} fingerprint ${'0'.repeat(64)}'`,
      );
    }
    const exists = async (names: string[]) =>
      new Set(
        (
          await query<{ datname: string }>(serverUrl(), 'SELECT datname FROM pg_database WHERE datname = ANY($1)', [
            names,
          ])
        ).map((r) => r.datname),
      );
    try {
      await write(options(), true); // replayed and kept: pruning runs
      const left = await exists([...old.map((f) => f.name), recent.name]);
      expect(left.has(recent.name), 'a replay kept a minute ago is spared').toBe(true);
      // Other runs' replays (tests in parallel) may rank above these: at most 7 stay beside the
      // one kept now, and the ones that stay are the newest of them.
      const kept = old.map((f) => left.has(f.name));
      expect(kept.filter(Boolean).length).toBeLessThanOrEqual(7);
      expect(kept.slice(0, 3)).toEqual([false, false, false]);
      expect(kept).toEqual([...kept].sort((a, b) => Number(a) - Number(b)));
    } finally {
      for (const f of [...old, recent]) await query(serverUrl(), `DROP DATABASE IF EXISTS "${f.name}"`);
      await query(serverUrl(), `DROP DATABASE IF EXISTS "${keptReplayName(keyOf(p.migrations))}"`);
    }
  }, 120_000);

  it('embedded: a kept copy of the data directory, checked by its checksum, grown on, never wrong', async () => {
    const { p, options, grow, sameAsWithoutCache } = await projectWithChange({});

    expect((await sameAsWithoutCache(options())).copied).toBe(false);
    const copy = keptEmbeddedReplay(keyOf(p.migrations));
    expect(existsSync(copy)).toBe(true);
    expect((await sameAsWithoutCache(options())).copied).toBe(true);

    // Damaged: not trusted, replayed and kept anew.
    const bytes = readFileSync(copy);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(copy, bytes);
    expect((await sameAsWithoutCache(options())).copied).toBe(false);
    expect((await sameAsWithoutCache(options())).copied).toBe(true);

    await grow();
    for (const kept of [copy, keptEmbeddedReplay(keyOf(p.migrations))]) {
      rmSync(kept, { force: true });
      rmSync(`${kept}.json`, { force: true });
    }
  }, 120_000);
});
