import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/api.js';
import { tempDir, writeMigrations } from '../support/migrations-dir.js';
import { ROOT, spawnTs } from '../support/spawn.js';

describe('the embedded database', () => {
  it('is one process at a time: a second gets an error naming the holder, and a dead holder is taken over', async () => {
    const cwd = tempDir();
    const migrationsFolder = writeMigrations([{ name: 'a', up: 'create table a (id int);' }]);
    const { child, done } = spawnTs(join(ROOT, 'test/fixtures/hold-embedded.ts'), [join(cwd, '.smartem-db/pglite')]);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('open') && resolve());
      child.on('exit', () => reject(new Error('the holder exited early')));
    });
    const embedded = { migrationsFolder, cwd, env: {}, embedded: true as const };
    await expect(migrate(embedded)).rejects.toMatchObject({
      code: 'DATABASE_BUSY',
      message: expect.stringMatching(new RegExp(`is in use by another process \\(pid ${child.pid} on .*hold-embedded`)),
    });
    child.kill('SIGKILL');
    await done;
    // Its lock is stale now: taken over, and the migration runs.
    expect((await migrate(embedded)).ran).toHaveLength(1);
  });
});
