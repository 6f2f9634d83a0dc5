/** One statement of a migration file, with where it starts (1-based line) for error messages. */
export interface SqlStatement {
  sql: string;
  line: number;
  /** The text between the previous statement and this one: its comments (lint directives live here). */
  leading: string;
}

/**
 * Splits a SQL script into statements at top-level semicolons, the way psql does: semicolons in
 * 'strings', E'escaped\' strings', "identifiers", $tag$dollar quotes$tag$, -- comments and nested
 * block comments do not split. Statements that are only comments or blank are dropped.
 * (SQL-standard function bodies, BEGIN ATOMIC ... END, are not supported: write them with $$.)
 *
 * @example splitStatements("create table a (x int);\n-- note\ninsert into a values (1);")
 *   // [{ sql: 'create table a (x int);', line: 1, leading: '' }, { sql: 'insert into a values (1);', line: 3, leading: '\n-- note\n' }]
 */
export function splitStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let codeStart = -1;
  let previousEnd = 0;
  let i = 0;
  const n = script.length;
  // Lines are counted as the scan moves forward, never from the start again: a 50 MB data
  // migration splits in one pass, while the migration lock is held.
  let line = 1;
  let counted = 0;
  const lineOf = (offset: number) => {
    for (; counted < offset; counted++) if (script.charCodeAt(counted) === 10) line++;
    return line;
  };

  // A statement starts at its first character of code, so leading comments (the migration
  // header) are not part of it and an error's position maps to the right line.
  const flush = (end: number) => {
    if (codeStart >= 0) {
      statements.push({
        sql: script.slice(codeStart, end).trimEnd(),
        line: lineOf(codeStart),
        leading: script.slice(previousEnd, codeStart),
      });
      previousEnd = end;
    }
    codeStart = -1;
  };

  while (i < n) {
    const code = script.charCodeAt(i);
    const next = script.charCodeAt(i + 1);
    if (code === DASH && next === DASH) {
      const eol = script.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
      continue;
    }
    if (code === SLASH && next === STAR) {
      i = skipBlockComment(script, i);
      continue;
    }
    if (isSpace(code)) {
      i++;
      continue;
    }
    if (codeStart < 0) codeStart = i;
    if (code === SINGLE_QUOTE) {
      const before = script[i - 1];
      const escaped = (before === 'E' || before === 'e') && !isIdentChar(script[i - 2]);
      i = skipQuoted(script, i, "'", escaped);
    } else if (code === DOUBLE_QUOTE) {
      i = skipQuoted(script, i, '"', false);
    } else if (code === DOLLAR && !isIdentChar(script[i - 1])) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(script.slice(i, i + 256));
      if (tag) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      } else {
        i++;
      }
    } else if (code === SEMICOLON) {
      i++;
      flush(i);
    } else {
      i++;
    }
  }
  flush(n);
  return statements;
}

const DASH = 45;
const SLASH = 47;
const STAR = 42;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const DOLLAR = 36;
const SEMICOLON = 59;

/** Whitespace as PostgreSQL's lexer sees it: space, tab, newline, carriage return, form feed, vertical tab. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[\w$\u0080-\uffff]/.test(c);
}

function skipQuoted(s: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (backslashEscapes && c === '\\') {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (s[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return s.length;
}

function skipBlockComment(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    if (s[j] === '/' && s[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (s[j] === '*' && s[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else {
      j++;
    }
  }
  return s.length;
}

/** A statement closed with `;`, on a new line if it lacks one (it may end in a -- comment). */
export function terminate(sql: string): string {
  return sql.endsWith(';') ? sql : `${sql}\n;`;
}

/** Statements as one script, to send in one round trip. */
export function joinStatements(statements: readonly string[]): string {
  return statements.map(terminate).join('\n');
}
