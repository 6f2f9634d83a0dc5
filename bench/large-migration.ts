// A large data migration (a seed or a backfill written as INSERTs): splitting it into statements
// against PostgreSQL's own parser (libpg-query, which also finds each statement), and applying it
// with migrate() against drizzle-orm's migrate() on fresh databases. Both split and run the same
// statements; smartem-db also records where each statement starts, for its error messages.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import { loadModule, parseSync } from 'libpg-query';
import postgres from 'postgres';
import { hash, migrate } from '../src/api.js';
import { renderHeader } from '../src/migrations/migration-header.js';
import { splitStatements } from '../src/sql/sql-split.js';
import { compare, withDatabase } from './support.js';

/** INSERT statements of about 200 bytes each (quotes, semicolons in strings, comments) up to `mb` megabytes. */
function dataMigration(mb: number): string[] {
  const statements: string[] = [
    'create table seed (uuid varchar primary key, foilhole_uuid varchar, defocus double precision, note text);',
  ];
  let size = 0;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const s = `-- row ${i}\ninsert into seed values ('mic-${i}-${'x'.repeat(40)}', 'fh-${i % 997}', ${(-(i % 30) / 10).toFixed(1)}, 'note; with ''quotes'' and $dollars$ ${i}');`;
    size += s.length + 1;
    statements.push(s);
  }
  return statements;
}

export async function benchLargeMigration(calls: number): Promise<void> {
  await loadModule();
  // libpg-query's WebAssembly heap cannot hold a 50 MB parse tree, so the peer reads 5 MB.
  const five = dataMigration(5).join('\n');
  console.log(`split a 5 MB data migration (${splitStatements(five).length} statements):`);
  await compare(
    '  splitStatements vs libpg-query parseSync',
    async () => splitStatements(five),
    async () => parseSync(five),
    calls,
    1,
  );
  const big = dataMigration(50).join('\n');
  const started = performance.now();
  const count = splitStatements(big).length;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  splitStatements alone on 50 MB (${count} statements): ${seconds.toFixed(2)} s, ${(50 / seconds).toFixed(0)} MB/s`,
  );

  const work = mkdtempSync(join(tmpdir(), 'large-bench-'));
  try {
    const statements = dataMigration(10);
    const id = '2026_01_01_1200-001_seed';
    const ours = join(work, 'ours');
    mkdirSync(join(ours, id), { recursive: true });
    writeFileSync(join(ours, id, 'up.sql'), renderHeader(id, null, true, 'up') + statements.join('\n'));
    hash({ migrationsFolder: ours });
    const theirs = join(work, 'theirs');
    mkdirSync(join(theirs, 'meta'), { recursive: true });
    writeFileSync(join(theirs, '0000_seed.sql'), statements.join('\n--> statement-breakpoint\n'));
    const entries = [{ idx: 0, version: '7', when: 1_700_000_000_000, tag: '0000_seed', breakpoints: true }];
    writeFileSync(join(theirs, 'meta/_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
    console.log(`apply a 10 MB data migration (${statements.length} statements) to a new database:`);
    await compare(
      '  migrate() vs drizzle-orm migrate()',
      () => withDatabase((url) => migrate({ url, migrationsFolder: ours })),
      () =>
        withDatabase(async (url) => {
          const client = postgres(url, { max: 1, onnotice: () => {} });
          try {
            await drizzleMigrate(drizzle(client), { migrationsFolder: theirs });
          } finally {
            await client.end();
          }
        }),
      calls,
      1,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
