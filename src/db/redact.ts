/**
 * Replaces the password of a PostgreSQL connection string with `***`, so the string can be shown.
 * Strings that are not URLs are returned with any `password=...` keyword value masked.
 *
 * @example redactUrl('postgres://app:s3cret@db:5432/smartem') // 'postgres://app:***@db:5432/smartem'
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (key.toLowerCase() === 'password') parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return url.replace(/(password\s*=\s*)\S+/gi, '$1***').replace(/(\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
  }
}

/** Removes every given secret from a message (a driver may echo a connection string back). */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && encoded.length > 0) out = out.split(encoded).join('***');
  }
  return out;
}

/** The password inside a connection string, or undefined; used to scrub messages. */
export function passwordOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const pw = parsed.password || parsed.searchParams.get('password') || '';
    return pw ? decodeURIComponent(pw) : undefined;
  } catch {
    return undefined;
  }
}

/** Masks password literals in SQL shown in an error (`ALTER ROLE app PASSWORD '...'`). */
export function redactSqlSecrets(sql: string): string {
  return sql.replace(/(PASSWORD\s+)('(?:[^']|'')*'|E'(?:[^'\\]|\\.|'')*')/gi, "$1'***'");
}
