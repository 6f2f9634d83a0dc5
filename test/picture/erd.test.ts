import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { erd } from '../../src/api.js';
import { serverUrl } from '../support/fresh-database.js';
import { tempDir, writeMigrations } from '../support/migrations-dir.js';
import { schemaDiagrams } from '../support/schema-diagrams.js';
import { runCli as cli } from '../support/cli.js';
import { ROOT } from '../support/spawn.js';

const common = () => ({ shadowDatabaseUrl: serverUrl(), cwd: tempDir(), env: {} });

describe('erd', () => {
  it("draws SmartEM's 26 tables and 47 foreign keys, the hierarchy among them, the same bytes every time", async () => {
    const options = { ...common(), migrationsFolder: join(ROOT, 'drizzle'), format: 'mermaid' as const };
    const first = await erd(options);
    expect(first.tables).toBe(26);
    expect(first.changes).toEqual([]);
    expect(first.text.match(/^ {2}\w+(\[.*\])? \{$/gm)).toHaveLength(26);
    expect(first.text.match(/--o\{/g)).toHaveLength(47);
    for (const [parent, child, column] of [
      ['acquisition', 'grid', 'acquisition_uuid'],
      ['grid', 'gridsquare', 'grid_uuid'],
      ['gridsquare', 'foilhole', 'gridsquare_uuid'],
      ['foilhole', 'micrograph', 'foilhole_uuid'],
    ])
      expect(first.text).toContain(`  ${parent} |o--o{ ${child} : "${column}"`);
    expect(first.text).toContain('    varchar uuid PK\n');
    expect((await erd(options)).text).toBe(first.text);

    const svg = await erd({ ...options, format: 'svg' });
    expect(svg.text.startsWith('<?xml')).toBe(true);
    for (const table of ['acquisition', 'micrograph', 'agentlog', 'qualityprediction'])
      expect(svg.text).toContain(`<title>public.${table}</title>`);
    expect((await erd({ ...options, format: 'svg' })).text).toBe(svg.text);
  });

  it('draws what a migration changes: added, removed and changed tables, columns and indexes, marked in words and colour', async () => {
    const migrationsFolder = writeMigrations([
      {
        name: 'start',
        up: 'create table grid (uuid varchar primary key, name varchar, size integer, note text); create table old_table (id int primary key);',
      },
      {
        name: 'change',
        up: "alter table grid add column title varchar not null default ''; alter table grid drop column note; alter table grid alter column size type bigint; create index ix_grid_name on grid (name); drop table old_table; create table square (uuid varchar primary key, grid_uuid varchar references grid);",
      },
    ]);
    const options = { ...common(), migrationsFolder, from: 'migrations@001', to: 'migrations' };
    const picture = await erd({ ...options, format: 'mermaid' });
    expect(picture.changes).toEqual(['changed public.grid', 'removed public.old_table', 'added public.square']);
    expect(picture.text).toContain('grid["grid (~ changed; + index ix_grid_name)"] {');
    expect(picture.text).toContain(`    varchar title "+ added"`);
    expect(picture.text).toContain(`    text note "- removed"`);
    expect(picture.text).toContain(`    bigint size "~ was integer"`);
    expect(picture.text).toContain('old_table["old_table (- removed)"] {');
    expect(picture.text).toContain('  grid |o--o{ square : "+ grid_uuid"');

    const svg = await erd({ ...options, format: 'svg' });
    expect(svg.text).toContain('+ title');
    expect(svg.text).toContain('\u2212 note');
    expect(svg.text).toContain('~ size');
    expect(svg.text).toContain('+ index ix_grid_name (name)');
  });

  it('groups a schema of many tables by name prefix, so hundreds of tables stay readable', async () => {
    const subjects = ['billing', 'sample', 'beamline'];
    const tables = subjects.flatMap((subject) =>
      Array.from(
        { length: 20 },
        (_, i) =>
          `create table ${subject}_t${i} (id int primary key${i ? `, up int references ${subject}_t${Math.floor(i / 2)}` : ''});`,
      ),
    );
    const migrationsFolder = writeMigrations([
      { name: 'many', up: [...tables, 'create table lonely (id int primary key);'].join('\n') },
    ]);
    const dot = await erd({ ...common(), migrationsFolder, format: 'dot' });
    expect(dot.tables).toBe(61);
    for (const subject of subjects) expect(dot.text).toContain(`label="${subject}_*";`);
    expect(dot.text.match(/subgraph cluster_/g)).toHaveLength(3);
    // The ungrouped table stays outside every cluster, and each cluster holds its 20.
    const clusters = dot.text
      .split('subgraph cluster_')
      .slice(1)
      .map((c) => c.slice(0, c.indexOf('\n  }')));
    for (const c of clusters) expect(c.match(/\[label=</g)).toHaveLength(20);
    expect(clusters.some((c) => c.includes('"public.lonely"'))).toBe(false);
    // SmartEM's 26 tables are few enough to need no groups.
    const smartem = await erd({ ...common(), migrationsFolder: join(ROOT, 'drizzle'), format: 'dot' });
    expect(smartem.text).not.toContain('subgraph');
  });

  it('writes the file --out names, takes --format from a .md name, and refuses an unknown format (exit 2)', async () => {
    const dir = tempDir();
    const migrations = writeMigrations([{ name: 'a', up: 'create table a (id int primary key);' }]);
    const args = ['--migrations', migrations, '--shadow-url', serverUrl()];
    const wrote = await cli(['erd', '--out', join(dir, 'schema.md'), ...args, '--json']);
    expect(wrote.code, wrote.stderr).toBe(0);
    expect(JSON.parse(wrote.stdout)).toMatchObject({ format: 'mermaid', tables: 1, file: join(dir, 'schema.md') });
    expect(readFileSync(join(dir, 'schema.md'), 'utf8')).toContain('erDiagram');
    const bad = await cli(['erd', '--format', 'png', ...args]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format png: expected one of svg, mermaid, dot');
    expect(existsSync(join(dir, 'png'))).toBe(false);
  });

  it('docs/schema.md and its SVGs are what the migrations draw: run `npm run docs:schema` after a migration', async () => {
    const { markdown, svg, changeSvg } = await schemaDiagrams(serverUrl());
    expect(readFileSync(join(ROOT, 'docs/schema.md'), 'utf8')).toBe(markdown);
    expect(readFileSync(join(ROOT, 'docs/smartem-schema.svg'), 'utf8')).toBe(svg);
    expect(readFileSync(join(ROOT, 'docs/migration-002.svg'), 'utf8')).toBe(changeSvg);
  });
});
