import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, migrate } from '../../src/api.js';
import { query, serverUrl, useFreshDatabase } from '../support/fresh-database.js';
import { migrationId, writeMigrations } from '../support/migrations-dir.js';
import { ROOT } from '../support/spawn.js';
import { runCli } from '../support/cli.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

describe('smartem-db check and verify on the command line', () => {
  it('check exits 0, then 6 for a model edit, 7 for a hand-made index; in GitHub Actions it annotates', async () => {
    const p = tempProject(`${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n`);
    const options = () => p.optionsFor(db.url);
    await generate({ ...options(), name: 'baseline' });
    await migrate(options());
    const run = (env: NodeJS.ProcessEnv = {}) =>
      runCli(
        ['check', '--db', db.url, '--shadow-url', serverUrl(), '--migrations', p.migrations, '--schema', p.schema],
        {
          env: { ...process.env, ...env },
          cwd: p.dir,
        },
      );

    const clean = await run();
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('ok  The migrations produce the Drizzle model.');

    await query(db.url, 'create index by_hand on grid (uuid)');
    const drifted = await run();
    expect(drifted.code).toBe(7);
    expect(drifted.stdout).toContain('index by_hand on public.grid: present, expected absent');

    p.setSchema(
      `${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), name: varchar('name') });\n`,
    );
    const modelEdited = await runCli(
      [
        'check',
        '--model-only',
        '--json',
        '--shadow-url',
        serverUrl(),
        '--migrations',
        p.migrations,
        '--schema',
        p.schema,
      ],
      { cwd: p.dir },
    );
    expect(modelEdited.code).toBe(6);
    expect(JSON.parse(modelEdited.stdout).model.differences).toEqual([
      'column public.grid.name: absent, expected present',
    ]);
    // In a GitHub Actions job, the job's summary shows the result and a picture of the change.
    const summary = join(p.dir, 'step-summary.md');
    const summarised = await runCli(
      ['check', '--model-only', '--shadow-url', serverUrl(), '--migrations', p.migrations, '--schema', p.schema],
      { cwd: p.dir, env: { ...process.env, GITHUB_STEP_SUMMARY: summary } },
    );
    expect(summarised.code).toBe(6);
    const page = readFileSync(summary, 'utf8');
    expect(page).toContain('### smartem-db check: problems found');
    expect(page).toContain('column public.grid.name: absent, expected present');
    expect(page).toMatch(
      /```mermaid\nerDiagram\n {2}grid\["grid \(~ changed\)"\] \{\n {4}varchar uuid PK\n {4}varchar name "\+ added"\n {2}\}\n```/,
    );
    const onlyModel = await runCli(
      ['check', '--model-only', '--shadow-url', serverUrl(), '--migrations', p.migrations, '--schema', p.schema],
      { cwd: p.dir, env: { ...process.env, DATABASE_URL: db.url } },
    );
    expect(onlyModel.stdout).toContain('No database checked: only the model was asked for (--model-only).');

    // A migration edited without `hash`: the folder and its manifest disagree, exit 3 as the README says.
    const up = join(
      p.migrations,
      readdirSync(p.migrations).find((f) => /-001_/.test(f))!,
      'up.sql',
    );
    writeFileSync(up, `${readFileSync(up, 'utf8')}\n-- edited\n`);
    const edited = await run();
    expect(edited.code, edited.stdout).toBe(3);
    expect(edited.stdout).toContain('smartem.sum');
    expect(edited.stdout).toContain('No database checked: the migrations folder must be fixed first.');
  });

  it('verify exits 8 for a broken down and annotates its file in GitHub Actions', async () => {
    const folder = writeMigrations([{ name: 'grid', up: 'create table grid (id int);', down: 'select 1;' }]);
    const result = await runCli(['verify', '--migrations', folder, '--url', db.url], {
      env: { ...process.env, GITHUB_ACTIONS: 'true' },
    });
    expect(result.code).toBe(8);
    expect(result.stdout).toContain(`x   ${migrationId(1, 'grid')} fails its round trip at: down`);
    const file = relative(ROOT, join(folder, migrationId(1, 'grid'), 'up.sql'));
    expect(result.stdout).toContain(`::error file=${file},line=1,title=smartem-db::down`);
    expect(result.stdout).toContain('table public.grid: present, expected absent');
  });
});
