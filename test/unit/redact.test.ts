import { describe, expect, it } from 'vitest';
import { connectionUrlProblem } from '../../src/db/connection-url.js';
import { excerpt, passwordOf, redactCredentials, redactSqlSecrets, redactUrl } from '../../src/db/redact.js';

const SECRET = 'Hunter2Secret';

describe('redactUrl', () => {
  it.each([
    ['a URL', `postgres://app:${SECRET}@db:5432/smartem`, 'postgres://app:***@db:5432/smartem'],
    ['one slash (a typo)', `postgres:/postgres:${SECRET}@127.0.0.1/x`, 'postgres:/postgres:***@127.0.0.1/x'],
    ['no colon after the scheme', `postgres//u:${SECRET}@h/x`, 'postgres//u:***@h/x'],
    ['no scheme', `u:${SECRET}@h/x`, 'u:***@h/x'],
    ['a bad port', `postgres://app:${SECRET}@db:99999/x`, 'postgres://app:***@db:99999/x'],
    ['an encoded @ in the password', 'postgres://app:p%40ss@db/x', 'postgres://app:***@db/x'],
    [
      'a password parameter',
      `postgresql:///x?password=${SECRET}&host=/tmp`,
      'postgresql:///x?password=***&host=%2Ftmp',
    ],
    ['keyword/value form', `host=h password=${SECRET} dbname=x`, 'host=h password=*** dbname=x'],
    ['quoted keyword/value', `host=h password='Hun ter2' dbname=x`, 'host=h password=*** dbname=x'],
  ])('masks the password of %s', (_what, url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('leaves a URL without a password as it is, and finds the password to scrub in every form', () => {
    expect(redactUrl('postgres://app@db/x')).toBe('postgres://app@db/x');
    expect(passwordOf('postgres://app@db/x')).toBeUndefined();
    expect(passwordOf(`postgres:/postgres:${SECRET}@127.0.0.1/x`)).toBe(SECRET);
    expect(passwordOf(`postgres//u:${SECRET}@h/x`)).toBe(SECRET);
  });

  it('masks credentials inside longer text', () => {
    expect(redactCredentials(`Cannot connect to postgres:/app:${SECRET}@db/x (from --url): Invalid URL`)).not.toContain(
      SECRET,
    );
  });
});

describe('redactSqlSecrets and excerpt', () => {
  it.each([
    ['single quotes', `ALTER ROLE a PASSWORD '${SECRET}'`],
    ['an E-string', `create role a with encrypted password E'hu\\'${SECRET}'`],
    ['dollar quotes', `create role a password $$${SECRET}$$`],
    ['tagged dollar quotes', `create role a password $t$${SECRET}'x$t$;`],
    ['a literal cut short', `create role a password '${SECRET}`],
    ['a user mapping', `CREATE USER MAPPING FOR x SERVER s OPTIONS (user 'u', password '${SECRET}')`],
    ['a conninfo literal', `select dblink_connect('host=h password=${SECRET}')`],
    ['a URL literal', `select dblink_connect('postgres://u:${SECRET}@h/x')`],
  ])('masks a password in %s', (_what, sql) => {
    const masked = redactSqlSecrets(sql);
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain('***');
  });

  it('masks before it cuts, so a long literal shows none of its start', () => {
    const sql = `create role a password '${SECRET}${'x'.repeat(300)}'`;
    const shown = excerpt(sql, 40);
    expect(shown).toBe("create role a password '***'");
    expect(excerpt(`select '${'y'.repeat(300)}'`, 20)).toBe("select 'yyyyyyyyyyyy ...");
  });
});

describe('connectionUrlProblem', () => {
  it.each([
    ['postgres://app@db:99999/x', 'the port must be a number from 1 to 65535'],
    ['not-a-url', 'expected a URL of the form postgres://user:password@host:5432/database'],
    ['postgres//u:p@h/x', 'expected a URL of the form'],
    ['postgres:/u:p@h/x', '"postgres:" must be followed by "//"'],
    ['mysql://u@h/x', 'expected a URL of the form'],
    ['postgres://u:p%zz@h/x', 'a "%" that does not start a percent escape'],
    ['postgres://u:pw@h:99999/x', 'the port must be a number from 1 to 65535'],
  ])('says what is wrong with %s', (url, problem) => {
    expect(connectionUrlProblem(url)).toContain(problem);
  });

  it('accepts PostgreSQL URLs, with or without password, port and host', () => {
    for (const url of [
      'postgres://app:pw@db:5432/x',
      'postgresql://db/x',
      'postgres:///x?host=/var/run/postgresql',
      'postgres://[::1]:5432/x',
      // Forms libpq and postgres.js take: a password and no port, an empty password, the host
      // as a parameter (with credentials and no host before the path), an @ in the password.
      'postgres://user:pw@host/db',
      'postgres://user:@host/db',
      'postgresql://u:pw@/db?host=127.0.0.1',
      'postgres://u:p@ss@host:5432/db',
    ]) {
      expect(connectionUrlProblem(url)).toBeUndefined();
    }
  });
});

describe('redactSqlSecrets in DO blocks and other literals', () => {
  it.each([
    ['EXECUTE of a quoted statement', `DO $$ BEGIN EXECUTE 'CREATE ROLE x PASSWORD ''${SECRET}'''; END $$`],
    ['format() with %L', `DO $$ BEGIN EXECUTE format('ALTER ROLE app PASSWORD %L', '${SECRET}'); END $$`],
    ['a named dollar quote', `DO $body$ BEGIN PERFORM set_config('app.pw', $q$${SECRET}$q$, false); END $body$`],
    ['an E string', `select set_config('app.password', E'${SECRET}', false)`],
  ])('masks every literal of a statement that speaks of passwords: %s', (_what, sql) => {
    expect(redactSqlSecrets(sql)).not.toContain(SECRET);
    expect(excerpt(sql)).not.toContain(SECRET);
  });

  it('leaves the literals of other statements as they are', () => {
    expect(redactSqlSecrets("insert into grid values ('plain value')")).toBe("insert into grid values ('plain value')");
  });
});
