import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, migrate, rollback } from '../../src/api.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { HEADER, tempProject } from '../support/temp-project.js';

const db = useFreshDatabase();

// Drizzle cannot say PARTITION BY: a model makes a table partitioned in model-extras.sql.
const model = `${HEADER.replace(' } from', ', serial, text, primaryKey } from')}
export const reading = pgTable(
  'reading',
  { id: serial('id'), at: timestamp('at', { withTimezone: true }).notNull(), grid: text('grid') },
  (t) => [primaryKey({ columns: [t.id, t.at] })],
);
`;
// A view reads it: the online form would have to make the view again while the rows are copied.
const VIEW = 'CREATE VIEW reading_grids AS SELECT DISTINCT grid FROM reading;\n';
const partitioned = `DROP TABLE reading;
CREATE TABLE reading (id serial, at timestamptz NOT NULL, grid text, CONSTRAINT reading_id_at_pk PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE reading_2026 PARTITION OF reading FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE reading_rest PARTITION OF reading DEFAULT;
${VIEW}`;

describe('generate: a table made partitioned that a view reads (the plain form)', () => {
  it('is refused without --plain (the table is locked while its rows are copied); with it, rows survive up and down', async () => {
    const p = tempProject(model);
    writeFileSync(join(p.dir, 'model-extras.sql'), VIEW);
    const options = () => p.optionsFor(db.url);
    await generate({ ...options(), name: 'baseline' });
    await migrate(options());
    await query(
      db.url,
      "insert into reading (at, grid) select '2026-03-01'::timestamptz + g * interval '1 hour', 'g' from generate_series(1, 500) g",
    );
    writeFileSync(join(p.dir, 'model-extras.sql'), partitioned);
    p.setSchema(model);

    const refused = await generate({ ...options(), name: 'partition reading' }).then(
      () => null,
      (error: Error & { code: string }) => error,
    );
    expect(refused?.code).toBe('LOCK_REFUSED');
    expect(refused?.message).toContain(
      'makes table public.reading again (renamed aside, its rows copied into a new one)',
    );

    const written = await generate({
      ...options(),
      name: 'partition reading',
      plain: 'reading is written only by the nightly import',
    });
    expect(written.up).toContain('-- transaction: yes');
    expect(written.up).toContain('-- smartem-db:allow data-loss: the rows were copied into the table made again first');
    await migrate(options());
    expect(await query(db.url, 'select count(*)::int as n from reading_2026')).toEqual([{ n: 500 }]);
    await query(db.url, "insert into reading (at, grid) values ('2030-01-01', 'later')");
    // The rollback copies the rows back: nothing to confirm.
    await rollback({ steps: 1 }, options());
    expect(
      await query(
        db.url,
        "select count(*)::int as n, count(*) filter (where grid = 'later')::int as later from reading",
      ),
    ).toEqual([{ n: 501, later: 1 }]);
    expect(await query(db.url, "select relkind from pg_class where relname = 'reading'")).toEqual([{ relkind: 'r' }]);
    expect(await query(db.url, 'select count(*)::int as n from reading_grids')).toEqual([{ n: 2 }]);
  });
});
