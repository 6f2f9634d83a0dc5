import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFreshDatabase } from '../support/fresh-database.js';
import { runCli } from '../support/cli.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();
const env = () => ({ ...process.env, DATABASE_URL: db.url });

describe('smartem-db generate and diff', () => {
  it('generates with -m, exits 5 on unacknowledged data loss, and diff prints SQL both ways', async () => {
    const p = tempProject(
      `${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), notes: varchar('notes') });\n`,
    );
    const run = (...args: string[]) =>
      runCli(
        [
          ...args,
          '--migrations',
          p.migrations,
          '--schema',
          p.schema,
          ...(args[0] === 'generate' ? ['--no-prompt'] : []),
        ],
        { env: env(), cwd: p.dir },
      );

    const first = await run('generate', '-m', 'baseline');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /Wrote \S+-001_baseline\/up.sql and down.sql \(1 change, proved on a scratch database\)/,
    );

    p.setSchema(`${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey() });\n`);
    const refused = await run('generate', '-m', 'drop notes');
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('drops column public.grid.notes');
    expect(readdirSync(p.migrations).filter((f) => f !== 'smartem.sum')).toHaveLength(1);

    const up = await run('diff', '--from', 'migrations', '--to', 'schema');
    expect(up.code, up.stderr).toBe(0);
    // What diff prints from the folder ran both ways on a scratch database first, unless asked not to.
    expect(JSON.parse((await run('diff', '--from', 'migrations', '--to', 'schema', '--json')).stdout)).toMatchObject({
      proved: true,
    });
    expect(
      JSON.parse((await run('diff', '--from', 'migrations', '--to', 'schema', '--json', '--no-prove')).stdout),
    ).toMatchObject({ proved: false });
    expect(up.stdout).toContain('ALTER TABLE "public"."grid" DROP COLUMN "notes";');
    const down = await run('diff', '--from', 'migrations', '--to', 'schema', '--down');
    expect(down.stdout).toContain('ALTER TABLE "public"."grid" ADD COLUMN "notes" character varying;');

    const summary = join(p.dir, 'step-summary.md');
    const allowed = await runCli(
      [
        'generate',
        '-m',
        'drop notes',
        '--allow-data-loss',
        '--summary',
        '--no-prompt',
        '--migrations',
        p.migrations,
        '--schema',
        p.schema,
      ],
      { env: { ...env(), GITHUB_STEP_SUMMARY: summary }, cwd: p.dir },
    );
    expect(allowed.code, allowed.stderr).toBe(0);
    // A summary for a pull request: what was written, its hazard, and the picture of the change.
    expect(allowed.stdout).toMatch(
      /^### smartem-db generate: \S+-002_drop_notes\n\n1 change, proved on a scratch database\.\n\n- \*\*data-loss\*\*: /,
    );
    expect(allowed.stdout).toContain(
      '```mermaid\nerDiagram\n  grid["grid (~ changed)"] {\n    varchar uuid PK\n    varchar notes "- removed"\n  }\n```',
    );
    expect(readFileSync(summary, 'utf8')).toBe(`${allowed.stdout.trimEnd()}\n\n`);
    const same = await run('diff', '--from', 'migrations', '--to', 'schema');
    expect(same.stdout).toBe('-- No differences.\n');
  });

  it('exits 5 with the expand/contract plan for a rewrite it cannot do online, and 2 for --plain without a reason', async () => {
    const model = (type: string) =>
      `${HEADER}import { bigint } from 'drizzle-orm/pg-core';\nexport const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), n: ${type} });\n`;
    const p = tempProject(model("integer('n')"));
    const run = (...args: string[]) =>
      runCli([...args, '--migrations', p.migrations, '--schema', p.schema, '--no-prompt'], { env: env(), cwd: p.dir });
    expect((await run('generate', '-m', 'baseline')).code).toBe(0);
    p.setSchema(model("bigint('n', { mode: 'number' })"));

    const refused = await run('generate', '-m', 'widen n', '--json');
    expect(refused.code).toBe(5);
    const error = JSON.parse(refused.stdout);
    expect(error).toMatchObject({ error: { code: 'LOCK_REFUSED' } });
    expect(error.error.message).toContain('public.grid.n from integer to bigint');
    expect(error.error.message).toContain('--expand-contract');
    expect((await run('generate', '-m', 'widen n', '--plain', ' ')).code).toBe(2);

    const plain = await run('generate', '-m', 'widen n', '--plain', 'grid is small at every facility');
    expect(plain.code, plain.stderr).toBe(0);
    expect(readdirSync(p.migrations).filter((f) => f !== 'smartem.sum')).toHaveLength(2);
  });

  it('expand and contract on the command line: generate --expand-contract, upgrade holds the contract, status and check say so, upgrade --contract', async () => {
    const grid = (column: string) =>
      `${HEADER}export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), ${column} });\n`;
    const p = tempProject(grid("notes: varchar('notes')"));
    const run = (...args: string[]) =>
      runCli(
        [
          ...args,
          '--migrations',
          p.migrations,
          ...(args[0] === 'generate' || args[0] === 'check' ? ['--schema', p.schema] : []),
        ],
        { env: env(), cwd: p.dir },
      );
    expect((await run('generate', '-m', 'baseline', '--no-prompt')).code).toBe(0);
    expect((await run('upgrade')).code).toBe(0);
    p.setSchema(grid("remarks: varchar('remarks')"));
    const written = await run(
      'generate',
      '-m',
      'remarks',
      '--rename',
      'grid.notes=remarks',
      '--expand-contract',
      '--no-prompt',
    );
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(
      /Wrote \S+-002_remarks\/up.sql and down.sql and its contract \S+-003_contract_remarks\//,
    );

    const expanded = await run('upgrade');
    expect(expanded.code, expanded.stderr).toBe(0);
    expect(expanded.stdout).toMatch(/applied +\S+-002_remarks/);
    expect(expanded.stdout).toMatch(
      /\S+-003_contract_remarks \(the contract of \S+-002_remarks\) waits: apply it with `smartem-db upgrade --contract`/,
    );
    const shown = await run('status');
    expect(shown.stdout).toMatch(/Expanded: \S+-002_remarks/);
    expect(shown.stdout).toMatch(/pending +\S+-003_contract_remarks +contract of /);
    // check: the expanded database is what its migrations make, and the waiting contract is no problem.
    const checked = await run('check');
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toContain('waits for `smartem-db upgrade --contract`');

    const contracted = await run('upgrade', '--contract', '--json');
    expect(contracted.code, contracted.stderr).toBe(0);
    expect(JSON.parse(contracted.stdout).ran.map((r: { id: string }) => r.id)).toEqual([
      expect.stringMatching(/-003_contract_remarks$/),
    ]);
    expect(JSON.parse((await run('status', '--json')).stdout).waitingForContract).toEqual([]);
  });
});
