import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { check, diff, generate, migrate } from '../../src/api.js';
import { runCli } from '../support/cli.js';
import { tempDir, writeMigrations } from '../support/migrations-dir.js';
import { ROOT } from '../support/spawn.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

const SECRET = 'Hunter2Secret';
const MALFORMED = `postgres:/postgres:${SECRET}@127.0.0.1/x`;

/** The CLI in this process, with these variables added to the environment. */
const cli = (argv: string[], env: Record<string, string> = {}) => runCli(argv, { env: { ...process.env, ...env } });

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
      [
        'a port out of range',
        ['status', '--url', `postgres://u:${SECRET}@127.0.0.1:99999/x`, '--migrations', folder],
        {},
      ],
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
    expect(JSON.parse(usage.stdout)).toMatchObject({
      error: { code: 'USAGE', message: expect.stringContaining('Unknown command "frobnicate". Commands: upgrade,') },
    });

    const badOption = await cli(['status', '--no-such-option', '--json']);
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.stdout).error.code).toBe('USAGE');

    const missing = await cli(['status', '--migrations', '/nonexistent/smartem', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.message).toContain(
      'The migrations folder /nonexistent/smartem (from the migrationsFolder option (--migrations)) does not exist',
    );
  });
});

describe('the command line as drizzle-kit users expect it', () => {
  it('answers --version, --help per command, and "did you mean" for commands and options', async () => {
    const version = await cli(['--version']);
    expect(version.stdout).toMatch(/^smartem-db \d+\.\d+\.\d+\n$/);
    const help = await cli(['downgrade', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: smartem-db downgrade <-N | id | base> [options]');
    expect(help.stdout).toContain('-y, --yes');
    expect((await cli(['help', 'generate'])).stdout).toContain('--allow-data-loss');

    const typo = await cli(['upgarde']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Unknown command "upgarde". Did you mean "upgrade"?');
    const option = await cli(['status', '--jsno']);
    expect(option.stderr).toContain('Unknown option --jsno. Did you mean --json?');
    // Colour only on a terminal: here stderr is not one.
    expect(typo.stderr).not.toContain('\u001b[');
  });

  it("refuses extra arguments and another command's options, and takes drizzle-kit's command names", async () => {
    const folder = writeMigrations([{ name: 'a', up: 'select 1;' }]);
    const extra = await cli(['status', 'now', '--migrations', folder]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('status takes no arguments, but was given "now"');
    const stray = await cli(['status', '--with-data', '--migrations', folder]);
    expect(stray.stderr).toContain('--with-data does not apply to status');

    const push = await cli(['push']);
    expect(push.code).toBe(2);
    expect(push.stderr).toContain('smartem-db has no push');
    const migrate = await cli(['migrate', '--help']);
    expect(migrate.stdout).toContain('Usage: smartem-db upgrade [target]');
  });

  it('reads schema, out and dbCredentials from --config, as drizzle-kit does', async () => {
    const dir = tempDir();
    const folder = writeMigrations([{ name: 'a', up: 'create table a (id int);' }]);
    writeFileSync(
      join(dir, 'drizzle.config.mjs'),
      `export default { dialect: 'postgresql', schema: ${JSON.stringify(join(ROOT, 'schema/index.ts'))}, out: ${JSON.stringify(folder)}, dbCredentials: { url: 'postgres://nobody@127.0.0.1:1/none' } };\n`,
    );
    const result = await cli(['history', '--config', join(dir, 'drizzle.config.mjs'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ id: expect.stringContaining('001_a') })]);
    // Its database is the one the config names (here nothing listens there).
    const status = await cli(['status', '--config', join(dir, 'drizzle.config.mjs'), '--json']);
    expect(status.code).toBe(4);
    expect(JSON.parse(status.stdout).error.message).toContain('postgres://nobody@127.0.0.1:1/none');
  });
});
