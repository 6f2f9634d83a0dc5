// migrate() with nothing pending (it runs at every application start) against drizzle-orm's
// migrate() on the same database, both journals at head.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { hash, migrate, stamp } from '../src/api.js';
import { readMigrationsFolder } from '../src/migrations/migration-folder.js';
import { renderHeader } from '../src/migrations/migration-header.js';
import { splitStatements } from '../src/sql/sql-split.js';
import { compare, withDatabase } from './support.js';

/** The SmartEM baseline plus `extra` small follow-on migrations, in smartem-db's format. */
function ourFolder(extra: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'smartem-bench-'));
  cpSync(join(import.meta.dirname, '../drizzle'), dir, { recursive: true });
  let parent = readMigrationsFolder(dir).migrations.at(-1)!.id;
  for (let i = 0; i < extra; i++) {
    const id = `2026_12_01_${String(1000 + i).slice(-4)}-${String(i + 2).padStart(3, '0')}_extra_${i}`;
    mkdirSync(join(dir, id));
    writeFileSync(
      join(dir, id, 'up.sql'),
      `${renderHeader(id, parent, true, 'up')}ALTER TABLE "micrograph" ADD COLUMN "extra_${i}" integer;\n`,
    );
    writeFileSync(
      join(dir, id, 'down.sql'),
      `${renderHeader(id, parent, true, 'down')}ALTER TABLE "micrograph" DROP COLUMN "extra_${i}";\n`,
    );
    parent = id;
  }
  hash({ migrationsFolder: dir });
  return dir;
}

/** The same migrations in drizzle-kit's folder format (meta/_journal.json + NNNN_tag.sql). */
function drizzleFolder(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'drizzle-bench-'));
  mkdirSync(join(dir, 'meta'));
  const { migrations } = readMigrationsFolder(from);
  const entries = migrations.map((m, idx) => {
    const tag = `${String(idx).padStart(4, '0')}_${m.description}`;
    const body = splitStatements(readFileSync(join(from, m.id, 'up.sql'), 'utf8'))
      .map((s) => s.sql)
      .join('\n--> statement-breakpoint\n');
    writeFileSync(join(dir, `${tag}.sql`), body);
    return { idx, version: '7', when: 1_700_000_000_000 + idx, tag, breakpoints: true };
  });
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
  return dir;
}

export async function benchMigrateNoOp(calls: number): Promise<void> {
  for (const extra of [0, 49]) {
    const ours = ourFolder(extra);
    const theirs = drizzleFolder(ours);
    try {
      await withDatabase(async (url) => {
        const client = postgres(url, { max: 4, onnotice: () => {} });
        const db = drizzle(client);
        try {
          await drizzleMigrate(db, { migrationsFolder: theirs });
          await stamp('head', { url, migrationsFolder: ours });
          const n = `${extra + 1} migration${extra ? 's' : ''}`;
          await compare(
            `migrate() no-op, ${n}, app's pool vs drizzle-orm`,
            () => migrate({ sql: client, migrationsFolder: ours }),
            () => drizzleMigrate(db, { migrationsFolder: theirs }),
            calls,
            20,
          );
          await compare(
            `migrate() no-op, ${n}, new connection vs drizzle-orm`,
            () => migrate({ url, migrationsFolder: ours }),
            async () => {
              const c = postgres(url, { max: 1, onnotice: () => {} });
              await drizzleMigrate(drizzle(c), { migrationsFolder: theirs });
              await c.end();
            },
            calls,
            20,
          );
        } finally {
          await client.end();
        }
      });
    } finally {
      rmSync(ours, { recursive: true, force: true });
      rmSync(theirs, { recursive: true, force: true });
    }
  }
}
