import { SmartemDbError } from '../errors.js';
import { redactUrl } from './redact.js';

export const URL_FORM = 'postgres://user:password@host:5432/database';

/**
 * What is wrong with a connection string, or undefined when it is a usable PostgreSQL URL. Every
 * source of a URL (--url, --db, --from-db, diff's --from/--to, DATABASE_URL, SHADOW_DATABASE_URL,
 * migrate({ url })) is checked here, so each gets the same answer.
 *
 * @example connectionUrlProblem('postgres://app@db:99999/x') // 'the port must be 1 to 65535'
 */
export function connectionUrlProblem(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') return `expected a URL of the form ${URL_FORM}`;
  if (!/^[a-z]+:\/\//i.test(url)) return `"${scheme}:" must be followed by "//" (${URL_FORM})`;
  const port = /^[a-z]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):([^/?#]*)/i.exec(url)?.[1];
  if (port !== undefined && port !== '' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return 'the port must be a number from 1 to 65535';
  }
  if (!URL.canParse(url))
    return `it is not a valid URL (${URL_FORM}; percent-encode special characters in the password)`;
  return undefined;
}

/** Throws CONFIG_INVALID naming where the URL came from, with the URL shown redacted. */
export function assertConnectionUrl(url: string, source: string): void {
  const problem = connectionUrlProblem(url);
  if (problem) {
    throw new SmartemDbError(
      'CONFIG_INVALID',
      `${source}: "${redactUrl(url)}" is not a PostgreSQL connection URL: ${problem}.`,
    );
  }
}
