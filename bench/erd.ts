// erd: SmartEM's schema drawn from the migrations (catalog from the project's store after the first
// call, then the layout), as Mermaid and as SVG; and a 200-table schema as SVG. No peer draws a
// schema from the command line offline, so these lines give times, not ratios.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { erd, hash } from '../src/api.js';
import { renderHeader } from '../src/migrations/migration-header.js';
import { SERVER, stats } from './support.js';

/** A migrations folder of one migration that makes 200 tables in ten subjects (name prefixes), each referencing one before it. */
function wideFolder(cwd: string): string {
  const folder = join(cwd, 'wide');
  const id = '2026_12_01_0000-001_wide';
  mkdirSync(join(folder, id), { recursive: true });
  const tables = Array.from(
    { length: 200 },
    (_, i) =>
      `CREATE TABLE s${i % 10}_t${i} (id int PRIMARY KEY, name varchar, parent_id int${i >= 10 ? ` REFERENCES s${i % 10}_t${i - 10}` : ''}, created_at timestamp);`,
  );
  writeFileSync(join(folder, id, 'up.sql'), `${renderHeader(id, null, true, 'up')}${tables.join('\n')}\n`);
  writeFileSync(
    join(folder, id, 'down.sql'),
    `${renderHeader(id, null, true, 'down')}${tables.map((_, i) => `DROP TABLE s${(199 - i) % 10}_t${199 - i};`).join('\n')}\n`,
  );
  hash({ migrationsFolder: folder });
  return folder;
}

async function median(calls: number, work: () => Promise<unknown>): Promise<string> {
  await work();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return `${stats(samples).median.toFixed(0)} ms`;
}

export async function benchErd(calls: number): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'smartem-bench-erd-'));
  try {
    const smartem = {
      cwd,
      env: {},
      shadowDatabaseUrl: SERVER,
      migrationsFolder: join(import.meta.dirname, '../drizzle'),
    };
    console.log(
      `erd, SmartEM (26 tables), mermaid                       ${await median(calls, () => erd({ ...smartem, format: 'mermaid' }))}`,
    );
    console.log(
      `erd, SmartEM (26 tables), svg                           ${await median(calls, () => erd({ ...smartem, format: 'svg' }))}`,
    );
    const wide = { ...smartem, migrationsFolder: wideFolder(cwd) };
    console.log(
      `erd, 200 tables in 10 groups, svg                       ${await median(calls, () => erd({ ...wide, format: 'svg' }))}`,
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
