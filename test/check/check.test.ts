import { appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, generate, hash, migrate } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

const model = `${HEADER}
export const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey(), name: varchar('name').notNull() });
`;

async function projectAtHead() {
  const p = tempProject(model);
  const options = () => p.optionsFor(db.url);
  const first = await generate({ ...options(), name: 'baseline' });
  await migrate(options());
  return { p, options, first: first.id! };
}

describe('check()', () => {
  it('is clean when the migrations produce the model and the database is at head, unchanged', async () => {
    const { options } = await projectAtHead();
    const report = await check(options());
    expect(report.model).toMatchObject({ ok: true, differences: [], hint: null });
    expect(report.database).toMatchObject({ ok: true, drift: [], editedFiles: [] });
  });

  it('names an INVALID index a failed concurrent build left, which the catalog comparison alone cannot see', async () => {
    const { options } = await projectAtHead();
    await query(db.url, "insert into grid values ('a', 'same'), ('b', 'same')");
    await query(db.url, 'create unique index concurrently grid_name_key on grid (name)').catch(() => {});
    const report = await check(options());
    expect(report.database!.ok).toBe(false);
    expect(report.database!.status.problems.join('\n')).toContain(
      'index public.grid_name_key on public.grid is INVALID',
    );
  });

  it('names what a model edit without a migration changes, and says to run db:generate', async () => {
    const { p, options } = await projectAtHead();
    p.setSchema(
      model.replace(
        "name: varchar('name').notNull() }",
        "name: varchar('name').notNull(), defocus: doublePrecision('defocus') }",
      ),
    );
    const report = await check({ ...options(), modelOnly: true });
    expect(report.model.ok).toBe(false);
    expect(report.model.differences).toEqual(['column public.grid.defocus: absent, expected present']);
    expect(report.model.hint).toContain('run npm run db:generate');
    expect(report.database).toBeNull();
  });

  it('names an index added by hand and a column altered by hand on the live database', async () => {
    const { options } = await projectAtHead();
    await query(db.url, 'create index by_hand on grid (name)');
    await query(db.url, 'alter table grid alter column name type text');
    const report = await check(options());
    expect(report.model.ok).toBe(true);
    expect(report.database!.ok).toBe(false);
    expect(report.database!.drift).toEqual([
      'column public.grid.name: type "text", expected "character varying"',
      'column public.grid.name: typeRef {"schema":"pg_catalog","name":"text"}, expected {"schema":"pg_catalog","name":"varchar"}',
      'index by_hand on public.grid: present, expected absent',
    ]);
  });

  it('reports an edited applied migration with its file, and pending migrations', async () => {
    const { p, options, first } = await projectAtHead();
    appendFileSync(join(p.migrations, first, 'up.sql'), '-- reformatted\n');
    hash({ migrationsFolder: p.migrations });
    p.setSchema(
      model.replace("name: varchar('name').notNull() }", "name: varchar('name').notNull(), code: varchar('code') }"),
    );
    await generate({ ...options(), name: 'code' });
    const report = await check(options());
    expect(report.database!.ok).toBe(false);
    expect(report.database!.editedFiles).toEqual([
      {
        file: relative(process.cwd(), join(p.migrations, first, 'up.sql')),
        message: expect.stringContaining(`${first}/up.sql was edited after it was applied`),
      },
    ]);
    expect(report.database!.status.problems).toContain('1 migration(s) pending');
    // Behind by one but otherwise as its migrations made it: no drift.
    expect(report.database!.drift).toEqual([]);
  });

  it('reports a migration file edited without hash as a folder problem', async () => {
    const { p, options, first } = await projectAtHead();
    appendFileSync(join(p.migrations, first, 'down.sql'), '-- edited\n');
    const report = await check(options());
    expect(report.model.ok).toBe(false);
    expect(report.folder[0]!.message).toContain(`${first}/down.sql: edited`);
  });
});
