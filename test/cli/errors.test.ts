import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { check, diff, generate, migrate } from '../../src/api.js';
import { run } from '../../src/cli/main.js';
import { writeMigrations } from '../support/migrations-dir.js';
import { ROOT } from '../support/spawn.js';
import { join } from 'node:path';

const SECRET = 'Hunter2Secret';
const MALFORMED = `postgres:/postgres:${SECRET}@127.0.0.1/x`;

/** Runs the CLI in this process and captures what it prints. */
async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await run(argv);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

afterEach(() => vi.restoreAllMocks());

describe('a malformed connection string', () => {
  it('is refused with exit 2 and never shown with its password, from every source', async () => {
    const folder = writeMigrations([{ name: 'a', up: 'select 1;' }]);
    const schema = join(ROOT, 'schema/index.ts');
    const cases: [string, string[], Record<string, string>][] = [
      ['--url', ['status', '--url', MALFORMED, '--migrations', folder], {}],
      ['DATABASE_URL', ['status', '--migrations', folder], { DATABASE_URL: MALFORMED }],
      ['SHADOW_DATABASE_URL', ['check', '--model-only', '--migrations', folder], { SHADOW_DATABASE_URL: MALFORMED }],
      ['--db', ['check', '--db', MALFORMED, '--migrations', folder, '--schema', schema], {}],
      ['--from-db', ['generate', '-m', 'x', '--from-db', MALFORMED, '--migrations', folder, '--schema', schema], {}],
      ['diff --to', ['diff', '--from', 'migrations', '--to', MALFORMED, '--migrations', folder], {}],
      ['a port out of range', ['status', '--url', `postgres://u:${SECRET}@127.0.0.1:99999/x`, '--migrations', folder], {}],
      ['not a URL at all', ['status', '--url', `u:${SECRET}@h/x`, '--migrations', folder], {}],
    ];
    for (const [source, argv, env] of cases) {
      const result = await cli([...argv, '--json'], env);
      expect(result.code, source).toBe(2);
      const doc = JSON.parse(result.stdout) as { error: { code: string; message: string } };
      expect(doc.error.code, source).toBe('CONFIG_INVALID');
      expect(doc.error.message, source).toMatch(/not a PostgreSQL connection URL/);
      expect(result.stdout + result.stderr, source).not.toContain(SECRET);
    }
  });

  it('is refused the same way by the API, and the error holds no password even when inspected', async () => {
    const folder = writeMigrations([{ name: 'a', up: 'select 1;' }]);
    const attempts = [
      () => migrate({ url: MALFORMED, migrationsFolder: folder }),
      () => check({ db: MALFORMED, migrationsFolder: folder, schema: join(ROOT, 'schema/index.ts') }),
      () => diff({ from: 'migrations', to: MALFORMED, migrationsFolder: folder }),
      () => generate({ name: 'x', fromDb: MALFORMED, migrationsFolder: folder, schema: join(ROOT, 'schema/index.ts') }),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect(inspect(error, { depth: 5 })).not.toContain(SECRET);
    }
  });
});

describe('--json', () => {
  it('prints one JSON document for every failure: usage, configuration, and the unexpected', async () => {
    const usage = await cli(['frobnicate', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ error: { code: 'USAGE', message: 'Unknown command "frobnicate".' } });

    const badOption = await cli(['status', '--no-such-option', '--json']);
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.stdout).error.code).toBe('USAGE');

    const missing = await cli(['status', '--migrations', '/nonexistent/smartem', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.message).toContain('The migrations folder /nonexistent/smartem (from the migrationsFolder option (--migrations)) does not exist');
  });
});
