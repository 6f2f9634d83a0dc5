import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readMigrationsFolder } from '../../src/migrations/migration-folder.js';
import { describe, expect, it } from 'vitest';
import { useFreshDatabase } from '../support/fresh-database.js';
import { finished, ROOT } from '../support/spawn.js';

const db = useFreshDatabase();

/** migrate() in a new process, as an application starts: its output and the packages it loaded. */
async function startApp(): Promise<{ ran: number; packages: string[]; folders: string[] }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(ROOT, 'test/fixtures/record-packages.mjs')).href,
      '--import',
      pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
      join(ROOT, 'test/fixtures/migrate-at-startup.ts'),
      join(ROOT, 'drizzle'),
    ],
    { env: { ...process.env, DATABASE_URL: db.url }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const done = await finished(child);
  expect(done.code, done.stderr).toBe(0);
  const listed = (label: string) =>
    JSON.parse(
      done.stderr
        .split('\n')
        .find((l) => l.startsWith(label))!
        .slice(label.length),
    ) as string[];
  return { ...JSON.parse(done.stdout), packages: listed('packages-loaded: '), folders: listed('src-loaded: ') };
}

describe("migrate() at an application's start", () => {
  it('loads postgres.js and the URL parser, and none of the developer tools (zod, drizzle-kit, esbuild, PGlite, the SQL parser)', async () => {
    const all = readMigrationsFolder(join(ROOT, 'drizzle')).migrations.length;
    for (const expected of [all, 0]) {
      const started = await startApp();
      expect(started.ran).toBe(expected);
      const ours = started.packages.filter((p) => p !== 'tsx' && p !== 'get-tsconfig' && p !== 'esbuild-loader');
      expect(ours).toContain('postgres');
      for (const tool of ['zod', 'drizzle-kit', 'esbuild', '@electric-sql/pglite', 'libpg-query', 'drizzle-zod'])
        expect(ours, tool).not.toContain(tool);
      // Nor smartem-db's own developer tools: the differ, the doctor, pictures, the studio.
      expect(started.folders).toContain('migrations');
      for (const folder of ['diff', 'doctor', 'picture', 'studio', 'generate', 'lint', 'scratch'])
        expect(started.folders, folder).not.toContain(folder);
    }
  });
});
