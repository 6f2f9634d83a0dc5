import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/spawn.js';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { SmartemDbError } from '../../src/errors.js';
import { tempDir } from '../support/migrations-dir.js';

function dirWith(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function configError(run: () => unknown): SmartemDbError {
  try {
    run();
  } catch (error) {
    if (error instanceof SmartemDbError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('uses the embedded database under .smartem-db/ when nothing is configured', () => {
    const cwd = dirWith({});
    const config = loadConfig({ cwd, env: {} });
    expect(config.database).toEqual({ kind: 'embedded', dataDir: join(cwd, '.smartem-db/pglite'), production: false });
    // The SmartEM migrations bundled with the package, wherever it is installed.
    expect(config.migrationsFolder).toBe(join(ROOT, 'drizzle'));
  });

  it('layers .env < .env.local < .env.{NODE_ENV} < .env.{NODE_ENV}.local < the environment', () => {
    const cwd = dirWith({
      '.env': 'DATABASE_URL=postgres://a@h/env\nSMARTEM_DB_LOCK_TIMEOUT_MS=1\nSMARTEM_DB_MIGRATIONS=m1\n',
      '.env.local': 'DATABASE_URL=postgres://a@h/local\nSMARTEM_DB_LOCK_TIMEOUT_MS=2\n',
      '.env.production': 'DATABASE_URL=postgres://a@h/production\n',
      '.env.production.local': 'DATABASE_URL=postgres://a@h/production_local\n',
    });
    const fromFiles = loadConfig({ cwd, env: { NODE_ENV: 'production' } });
    expect(fromFiles.database).toMatchObject({ kind: 'server', url: 'postgres://a@h/production_local' });
    expect(fromFiles.database).toMatchObject({ source: 'DATABASE_URL (.env.production.local)' });
    expect(fromFiles.lockTimeoutMs).toBe(2);
    expect(fromFiles.maxReplicaLagMs).toBeUndefined();
    expect(loadConfig({ cwd, env: { SMARTEM_DB_MAX_REPLICA_LAG_MS: '250' } }).maxReplicaLagMs).toBe(250);
    expect(() => loadConfig({ cwd, env: { SMARTEM_DB_MAX_REPLICA_LAG_MS: 'soon' } })).toThrow(
      /SMARTEM_DB_MAX_REPLICA_LAG_MS.*expected milliseconds/s,
    );
    expect(fromFiles.migrationsFolder).toBe(join(cwd, 'm1'));
    const fromEnv = loadConfig({ cwd, env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://a@h/real' } });
    expect(fromEnv.database).toMatchObject({ url: 'postgres://a@h/real', source: 'DATABASE_URL (the environment)' });
    expect(loadConfig({ cwd, env: {} }).database).toMatchObject({ url: 'postgres://a@h/local' });
  });

  it("builds the URL from the SmartEM backend's POSTGRES_* variables, escaping special characters", () => {
    const cwd = dirWith({
      '.env': 'POSTGRES_HOST=db.example\nPOSTGRES_PORT=30432\nPOSTGRES_USER=smartem\nPOSTGRES_DB=smartem_db\n',
    });
    const config = loadConfig({ cwd, env: { POSTGRES_PASSWORD: 'p@ss:w/rd' } });
    expect(config.database).toMatchObject({
      kind: 'server',
      url: 'postgres://smartem:p%40ss%3Aw%2Frd@db.example:30432/smartem_db',
    });
    expect(decodeURIComponent(new URL((config.database as { url: string }).url).password)).toBe('p@ss:w/rd');
  });

  it('names the variable and the file of an invalid value', () => {
    const cwd = dirWith({ '.env.local': 'POSTGRES_PORT=54x32\n' });
    const error = configError(() => loadConfig({ cwd, env: {} }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('POSTGRES_PORT = "54x32" (from .env.local)');
  });

  it('never shows a password, even in an invalid URL', () => {
    const cwd = dirWith({ '.env': 'DATABASE_URL=mysql://app:hunter2@db/smartem\n' });
    const error = configError(() => loadConfig({ cwd, env: {} }));
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('(from .env)');
    expect(error.message).not.toContain('hunter2');
  });

  it('says which POSTGRES_* variables are missing when only some are set', () => {
    const error = configError(() =>
      loadConfig({ cwd: dirWith({}), env: { POSTGRES_HOST: 'db', POSTGRES_PASSWORD: 'hunter2' } }),
    );
    expect(error.message).toMatch(/POSTGRES_USER, POSTGRES_DB are not/);
    expect(error.message).not.toContain('hunter2');
  });
});
