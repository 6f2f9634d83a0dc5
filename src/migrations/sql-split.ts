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

  // A statement starts at its first character of code, so leading comments (the migration
  // header) are not part of it and an error's position maps to the right line.
  const flush = (end: number) => {
    if (codeStart >= 0) {
      statements.push({ sql: script.slice(codeStart, end).trimEnd(), line: lineAt(script, codeStart), leading: script.slice(previousEnd, codeStart) });
      previousEnd = end;
    }
    codeStart = -1;
  };

  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      i = skipBlockComment(script, i);
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (codeStart < 0) codeStart = i;
    if (c === "'") {
      const escaped = (script[i - 1] === 'E' || script[i - 1] === 'e') && !isIdentChar(script[i - 2]);
      i = skipQuoted(script, i, "'", escaped);
    } else if (c === '"') {
      i = skipQuoted(script, i, '"', false);
    } else if (c === '$' && !isIdentChar(script[i - 1])) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(script.slice(i, i + 256));
      if (tag) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      } else {
        i++;
      }
    } else if (c === ';') {
      i++;
      flush(i);
    } else {
      i++;
    }
  }
  flush(n);
  return statements;
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

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset && k < text.length; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

/** A statement closed with `;`, on a new line if it lacks one (it may end in a -- comment). */
export function terminate(sql: string): string {
  return sql.endsWith(';') ? sql : `${sql}\n;`;
}

/** Statements as one script, to send in one round trip. */
export function joinStatements(statements: readonly string[]): string {
  return statements.map(terminate).join('\n');
}
