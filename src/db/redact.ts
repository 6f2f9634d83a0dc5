// Everything smartem-db shows (messages, --json, logs, errors' causes) passes through here first:
// a password must never appear, in any form a user might have typed it.

const MASK = '***';

/**
 * Replaces the password of a PostgreSQL connection string with `***`, so the string can be shown.
 * Strings that do not parse as URLs (a typo such as `postgres:/user:pw@host`) are masked too:
 * anything that looks like credentials is, parsed or not.
 *
 * @example redactUrl('postgres://app:s3cret@db:5432/smartem') // 'postgres://app:***@db:5432/smartem'
 */
export function redactUrl(url: string): string {
  let shown = url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    for (const key of [...parsed.searchParams.keys()]) {
      if (key.toLowerCase() === 'password') parsed.searchParams.set(key, MASK);
    }
    shown = parsed.toString();
  } catch {
    // Not a URL: the patterns below still find the credentials.
  }
  return redactCredentials(shown);
}

/**
 * Masks whatever looks like credentials in free text: the password of `scheme://user:pw@host`
 * (also with one slash or none, as typos have it), of `user:pw@host`, and `password=...` keyword
 * values of connection strings.
 *
 * @example redactCredentials('Cannot connect to postgres:/app:pw@db/x') // 'Cannot connect to postgres:/app:***@db/x'
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/*[^\s:@/"'`]*:)[^\s"'`]*@/gi, `$1${MASK}@`)
    .replace(/(^|[\s"'`(=,</])([^\s:@/"'`]+:)[^\s/"'`][^\s"'`]*@/g, `$1$2${MASK}@`)
    .replace(/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&;'")]+)/gi, `$1${MASK}`);
}

/**
 * Removes every given secret from a message (a driver may echo a connection string back). A secret
 * of under four characters is masked only where credentials stand (user:pw@host), since masking
 * every occurrence of it would garble the message without hiding anything.
 */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && encoded.length > 0) out = out.split(encoded).join(MASK);
  }
  return redactCredentials(out);
}

/** The password inside a connection string, or undefined; used to scrub messages. */
export function passwordOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const pw = parsed.password || parsed.searchParams.get('password') || '';
    if (pw) return safeDecode(pw);
    if (parsed.host) return undefined;
  } catch {
    // fall through to the pattern
  }
  const loose = /^[a-z][a-z0-9+.-]*:\/*[^\s:@/]*:(\S*)@/i.exec(url) ?? /(?:^|\/)[^\s:@/]*:([^\s/]\S*)@/.exec(url);
  return loose?.[1] ? safeDecode(loose[1]) : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// A literal in any of PostgreSQL's quoting forms; an unterminated one (a query cut short by
// track_activity_query_size) runs to the end of the text.
const LITERAL = String.raw`(?:[EeUu]&?'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)|'(?:[^']|'')*(?:'|$)|(\$[A-Za-z_]*\$)[\s\S]*?(?:\2|$))`;
const PASSWORD_LITERAL = new RegExp(String.raw`(\bPASSWORD\s*(?:=\s*)?)${LITERAL}`, 'gi');

/**
 * Masks secrets in SQL shown in an error or a log line: password literals in every quoting form
 * (`PASSWORD 'x'`, `E'x'`, `$$x$$`, `$tag$x$tag$`, `OPTIONS (password 'x')`), connection strings
 * inside literals, and `password=` keyword values.
 *
 * @example redactSqlSecrets("ALTER ROLE app PASSWORD $$s3cret$$") // "ALTER ROLE app PASSWORD '***'"
 */
export function redactSqlSecrets(sql: string): string {
  // A statement that speaks of passwords may hold one in any literal, not only right after the
  // keyword: `EXECUTE 'ALTER ROLE r PASSWORD ''x'''` or `format('... PASSWORD %L', 'x')` in a DO
  // block. Then every quoted literal, and every body quoted with a named dollar tag, is masked.
  const literals = SECRETISH.test(sql)
    ? sql.replace(ANY_QUOTED_LITERAL, `'${MASK}'`).replace(NAMED_DOLLAR_QUOTE, `$1${MASK}$1`)
    : sql;
  return redactCredentials(literals.replace(PASSWORD_LITERAL, `$1'${MASK}'`));
}

const SECRETISH = /pass(?:word|wd|phrase)?\b|\bpwd\b|secret|credential|\btoken\b/i;
const ANY_QUOTED_LITERAL = /(?:[EeUu]&?)?'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)/g;
const NAMED_DOLLAR_QUOTE = /(\$[A-Za-z_][A-Za-z_0-9]*\$)[\s\S]*?(?:\1|$)/g;

/**
 * The start of a statement as shown in a message: secrets masked first, then the first line cut
 * to `max` characters, so a cut never shows the beginning of a secret.
 *
 * @example excerpt("insert into t\nvalues (1);", 160) // 'insert into t ...'
 */
export function excerpt(sql: string, max = 160): string {
  const safe = redactSqlSecrets(sql.trim());
  const firstLine = safe.split('\n')[0]!.replace(/\s+/g, ' ');
  const cut = firstLine.length > max ? firstLine.slice(0, max) : firstLine;
  return cut.length < safe.length ? `${cut} ...` : cut;
}
