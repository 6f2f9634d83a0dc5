import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, diff, generate, hash } from '../../src/api.js';
import { useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

const model = (columns: string) =>
  `${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey()${columns} });\n`;

/** generate, and what --no-cache says for the same inputs: the cache must never change the answer. */
async function generateBoth(options: Omit<Parameters<typeof generate>[0], 'name'>) {
  const uncached = await generate({ ...options, name: 'probe', cache: false, now: new Date(0) });
  if (uncached.id) rmSync(join(options.migrationsFolder!, uncached.id), { recursive: true });
  if (uncached.id) hash(options);
  const cached = await generate({ ...options, name: 'probe', timings: true });
  expect(cached.id === null, 'the cache changed the answer').toBe(uncached.id === null);
  return cached;
}

describe('generate: the "no changes" cache', () => {
  it('answers an unchanged model and folder without a database, and is never wrong', async () => {
    const p = tempProject(model(''));
    const options = () => ({ migrationsFolder: p.migrations, schema: p.schema, cwd: p.dir, url: db.url, env: {} });
    await generate({ ...options(), name: 'baseline' });

    const first = await generateBoth(options());
    expect(first).toMatchObject({ id: null });
    const second = await generate({ ...options(), name: 'again', timings: true });
    expect(second).toMatchObject({ id: null, cached: true });
    // Answered before any scratch database: the model loaded, nothing else.
    expect(second.timings!.map((t) => t.phase)).toEqual([
      'the folder, the settings and the cache keys',
      'load the model',
    ]);

    // A model edit: worked out anew, and written.
    p.setSchema(model(", name: varchar('name')"));
    const edited = await generateBoth(options());
    expect(edited.cached).toBeUndefined();
    expect(edited.id).not.toBeNull();

    // A migration edited by hand (and rehashed): its column taken out again, so generate writes it back.
    writeFileSync(join(p.migrations, edited.id!, 'up.sql'), 'SELECT 1;\n');
    hash(options());
    const afterEdit = await generateBoth(options());
    expect(afterEdit.id).not.toBeNull();
    rmSync(join(p.migrations, afterEdit.id!), { recursive: true });
    rmSync(join(p.migrations, edited.id!), { recursive: true });
    hash(options());

    // Back on the first branch's model and folder: remembered, and right.
    p.setSchema(model(''));
    const back = await generate({ ...options(), name: 'back' });
    expect(back).toMatchObject({ id: null, cached: true });

    // A cache file that is damaged or gone is no cache.
    const cacheDir = join(p.dir, '.smartem-db');
    for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), '{ not json');
    const damaged = await generate({ ...options(), name: 'damaged' });
    expect([damaged.id, damaged.cached]).toEqual([null, undefined]);
    rmSync(cacheDir, { recursive: true });
    const gone = await generate({ ...options(), name: 'gone' });
    expect([gone.id, gone.cached]).toEqual([null, undefined]);
    expect(await generate({ ...options(), name: 'no cache', cache: false })).toMatchObject({ id: null });
    expect((await generate({ ...options(), name: 'remembered' })).cached).toBe(true);
  });

  it('without a server, a TypeScript model edited without changing its SQL is still answered "no changes", though the scratch database is made at once', async () => {
    const p = tempProject(model(''));
    const options = () => ({ migrationsFolder: p.migrations, schema: p.schema, cwd: p.dir, env: {} });
    const baseline = await generate({ ...options(), name: 'baseline' });
    expect(baseline.id).not.toBeNull();
    expect(await generate({ ...options(), name: 'again' })).toMatchObject({ id: null });
    // Its file changed, so the files' answer does not hold: its statements are the same as when
    // "no changes" was remembered, and that answer comes back with nothing written.
    p.setSchema(`// a comment only\n${model('')}`);
    const commented = await generate({ ...options(), name: 'commented', timings: true });
    expect(commented).toMatchObject({ id: null, cached: true });
    expect(readdirSync(p.migrations).filter((f) => f.includes('commented'))).toEqual([]);
    // A real edit after it is written, and proved, on the same embedded scratch path.
    p.setSchema(model(", name: varchar('name')"));
    const edited = await generateBoth(options());
    expect(edited).toMatchObject({ proved: true });
    expect(edited.id).toMatch(/-002_probe$/);
  });

  it('check --model-only: an "ok" is remembered the same way, a difference never, and neither is ever wrong', async () => {
    const p = tempProject(model(''));
    const options = () => ({ migrationsFolder: p.migrations, schema: p.schema, cwd: p.dir, url: db.url, env: {} });
    await generate({ ...options(), name: 'baseline' });
    const checkBoth = async () => {
      const uncached = await check({ ...options(), modelOnly: true, cache: false });
      const cached = await check({ ...options(), modelOnly: true });
      expect({ ...cached.model, cached: undefined }, 'the cache changed the answer').toEqual(uncached.model);
      expect(cached.folder).toEqual(uncached.folder);
      return cached;
    };
    const answer = (r: Awaited<ReturnType<typeof check>>) => [r.model.ok, r.model.cached ?? false];
    expect(answer(await checkBoth())).toEqual([true, false]);
    expect(answer(await checkBoth())).toEqual([true, true]);

    p.setSchema(model(", name: varchar('name')"));
    for (let i = 0; i < 2; i++) expect(answer(await checkBoth())).toEqual([false, false]);
    p.setSchema(model(''));
    expect(answer(await check({ ...options(), modelOnly: true }))).toEqual([true, true]);

    // The baseline edited by hand: rehashed, another folder; not rehashed, a folder problem.
    const up = join(
      p.migrations,
      readdirSync(p.migrations).find((f) => f.includes('baseline'))!,
      'up.sql',
    );
    const baselineUp = readFileSync(up, 'utf8');
    writeFileSync(up, 'SELECT 1;\n');
    expect((await checkBoth()).folder).toHaveLength(1);
    hash(options());
    expect(answer(await checkBoth())).toEqual([false, false]);
    // diff between the folder and the model shares the answer: nothing, and remembered so.
    writeFileSync(up, baselineUp);
    hash(options());
    const diffBoth = async () => {
      const uncached = await diff({ ...options(), from: 'schema', to: 'migrations', cache: false });
      const said: string[] = [];
      const logger = { info: (m: string) => said.push(m), warn: (m: string) => said.push(m) };
      const cached = await diff({ ...options(), from: 'migrations', to: 'schema', down: true, logger });
      expect(cached.sql, 'the cache changed the answer').toBe(uncached.sql);
      return [cached.sql, said.some((m) => m.includes('answered from .smartem-db/'))];
    };
    expect(await diffBoth()).toEqual(['', true]);
    p.setSchema(model(", note: varchar('note')"));
    for (let i = 0; i < 2; i++)
      expect(await diffBoth()).toEqual([expect.stringContaining('DROP COLUMN "note"'), false]);
    p.setSchema(model(''));
    // With a database to check, the model question is worked out anew every time.
    expect(answer(await check({ ...options(), db: db.url }))).toEqual([true, false]);
  });
});
