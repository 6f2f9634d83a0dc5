import { readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { diff, generate, hash } from '../../src/api.js';
import { useFreshDatabase, serverUrl } from '../support/fresh-database.js';
import { addMigration } from '../support/migrations-dir.js';
import { ROOT, spawnTs } from '../support/spawn.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** The scratch databases of process `pid` (this host's) on the test server. */
async function scratchOf(pid: number): Promise<string[]> {
  const sql = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ name: string }[]>`
      SELECT datname AS name FROM pg_database WHERE datname LIKE ${`smartem\\_scratch\\_${HOST}\\_${pid}\\_%`}`;
    return rows.map((r) => r.name);
  } finally {
    await sql.end();
  }
}

/** Folders the tests' own helpers make in the temporary folder (projects, private clusters, poolers). */
const TEST_HELPERS = /^smartem-(db-(test|cluster|pgbouncer|replica)-|template-)/;
/** What of ours is in the temporary folder, the tests' helpers' folders aside. */
const ourTempFiles = () => readdirSync(tmpdir()).filter((f) => /smartem/i.test(f) && !TEST_HELPERS.test(f));

/** A project whose replay takes long enough to be caught in the middle: its migration sleeps. */
function slowProject() {
  const p = tempProject(`${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n`);
  addMigration(p.migrations, 1, { name: 'slow', up: 'SELECT pg_sleep(30);\n', down: '' }, null);
  hash({ migrationsFolder: p.migrations });
  return p;
}

/** `generate` in a process of its own, stopped by `signal` once its scratch database exists. */
async function stoppedMidway(p: ReturnType<typeof slowProject>, signal: NodeJS.Signals) {
  const { child, done } = spawnTs(
    join(ROOT, 'src/cli/cli-entry.ts'),
    ['generate', '-m', 'x', '--migrations', p.migrations, '--schema', p.schema, '--no-prompt'],
    { cwd: p.dir, env: { ...process.env, DATABASE_URL: db.url } },
  );
  let made: string[] = [];
  for (let waited = 0; made.length === 0; waited += 50) {
    if (waited > 45_000) throw new Error('no scratch database appeared within 45 s');
    await new Promise((r) => setTimeout(r, 50));
    made = await scratchOf(child.pid!);
  }
  child.kill(signal);
  return { pid: child.pid!, made, finished: await done };
}

describe('nothing is left behind', () => {
  it('killed with SIGKILL, a run leaves its scratch database to the next command, which drops it', async () => {
    const p = slowProject();
    const before = ourTempFiles();
    const { pid, made, finished } = await stoppedMidway(p, 'SIGKILL');
    expect(finished.signal).toBe('SIGKILL');
    expect((await scratchOf(pid)).length).toBeGreaterThanOrEqual(made.length);
    // The next command on the same server, whatever it is, finds its process gone and drops it.
    await diff({ schema: p.schema, cwd: p.dir, url: db.url, env: {}, from: 'schema', to: db.url });
    expect(await scratchOf(pid)).toEqual([]);
    expect(ourTempFiles().filter((f) => !before.includes(f))).toEqual([]);
  });

  it('stopped with SIGTERM or Ctrl-C, a run drops its scratch database itself and ends as the signal asks', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const p = slowProject();
      const { pid, finished } = await stoppedMidway(p, signal);
      expect(finished.signal).toBe(signal);
      expect(await scratchOf(pid)).toEqual([]);
    }
  });

  it('two generates at once in one folder write one migration, never two with one number', async () => {
    const p = tempProject(`${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n`);
    const options = p.optionsFor(db.url);
    const results = await Promise.all([generate({ ...options, name: 'one' }), generate({ ...options, name: 'two' })]);
    expect(results.filter((r) => r.id !== null)).toHaveLength(1);
    expect(readdirSync(p.migrations).filter((f) => /-001_/.test(f))).toHaveLength(1);
  });
});
