import { describe, expect, it } from 'vitest';
import { joinStatements, splitStatements } from '../../src/sql/sql-split.js';

const sqls = (script: string) => splitStatements(script).map((s) => s.sql);

describe('splitStatements', () => {
  it('splits at top-level semicolons and reports the line each statement starts on', () => {
    const script = '-- parent: none\n\ncreate table a (x int);\n\ninsert into a\n  values (1);\n';
    expect(splitStatements(script)).toEqual([
      { sql: 'create table a (x int);', line: 3, leading: '-- parent: none\n\n' },
      { sql: 'insert into a\n  values (1);', line: 5, leading: '\n\n' },
    ]);
  });

  it.each([
    ['single-quoted strings', "insert into t values ('a;b', 'it''s; fine');select 2;", 2],
    ['E-strings with backslash-escaped quotes', "select E'a\\';b';select 2;", 2],
    ['quoted identifiers', 'create table "we;ird" ("x;y" int);select 2;', 2],
    ['dollar quotes', 'do $$ begin perform 1; perform 2; end $$;select 2;', 2],
    [
      'tagged dollar quotes containing $$',
      'create function f() returns int as $body$ select 1; $$ $body$ language sql;select 2;',
      2,
    ],
    ['line comments', 'select 1; -- a; b\nselect 2;', 2],
    ['nested block comments', 'select /* a; /* b; */ c; */ 1;select 2;', 2],
    ['a final statement without semicolon', 'select 1;\nselect 2', 2],
    ['comment-only trailing text', 'select 1;\n-- the end;\n/* really; */\n', 1],
    ['positional parameters that look like dollar quotes', 'prepare p as select $1;select 2;', 2],
  ])('does not split inside %s', (_name, script, count) => {
    expect(sqls(script)).toHaveLength(count);
  });

  it('keeps the text of each statement exact, so server error positions map to lines', () => {
    const [first] = splitStatements("/* lead */ select 'x;y'\n  from t;");
    expect(first).toEqual({ sql: "select 'x;y'\n  from t;", line: 1, leading: '/* lead */ ' });
  });

  it('returns nothing for an empty or comment-only script', () => {
    expect(splitStatements('-- parent: none\n-- transaction: yes\n\n')).toEqual([]);
  });

  it('joins statements into one script that splits back into the same statements, even after a -- comment', () => {
    const statements = ['create table a (x int) -- no semicolon here', 'select 1;', 'select 2'];
    const script = joinStatements(statements);
    expect(splitStatements(script).map((s) => s.sql.replace(/\n;$/, '').replace(/;$/, ''))).toEqual([
      'create table a (x int) -- no semicolon here',
      'select 1',
      'select 2',
    ]);
  });

  it('counts lines right through a long script, in one pass', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      i % 3 === 0 ? `insert into t values (${i}, 'a;b');` : i % 3 === 1 ? '-- a comment;' : '',
    );
    const statements = splitStatements(lines.join('\n'));
    expect(statements).toHaveLength(Math.ceil(20_000 / 3));
    expect(statements.at(-1)).toMatchObject({ line: 19_999, sql: "insert into t values (19998, 'a;b');" });
    expect(statements[1]).toMatchObject({ line: 4, leading: '\n-- a comment;\n\n' });
  });
});
