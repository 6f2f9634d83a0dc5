import { editDistance } from '../text/edit-distance.js';

/** What the comment header of a migration script declares. */
interface MigrationHeader {
  /** The migration this one follows (`none` for the first), like Alembic's down_revision. */
  parent: string | null | undefined;
  /** False for statements that PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY). */
  transactional: boolean;
  /**
   * The expand migration this one contracts: it runs only when asked (`upgrade --contract`), once
   * no version of the application that uses the old column runs.
   */
  contracts?: string;
}

export class HeaderError extends Error {}

const KEYS = ['parent', 'transaction', 'contracts'] as const;

/**
 * Reads the `-- key: value` lines at the top of a migration script (before its first statement).
 * Known keys: `parent` (an id, or `none`), `transaction` (`yes` or `no`) and `contracts` (the id of
 * the expand migration a contract completes). Other comments are
 * free text, but a line that looks like a header line with a misspelt or malformed key
 * (`-- transacton: no`, `-- transaction no`) is an error naming its line: ignoring it would run
 * the script in a transaction it was written to avoid.
 *
 * @example parseHeader('-- parent: none\n-- transaction: no\ncreate index concurrently ...')
 *   // { parent: null, transactional: false }
 */
export function parseHeader(text: string): MigrationHeader {
  const header: MigrationHeader = { parent: undefined, transactional: true };
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    const at = `line ${i + 1}`;
    const match = /^--\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$/.exec(trimmed);
    const key = match?.[1]!.toLowerCase();
    if (!match || !KEYS.includes(key as (typeof KEYS)[number])) {
      // A header line without its colon has exactly a key and a value ("-- transaction no").
      const word = (match ? match[1] : /^--\s*([A-Za-z][\w-]*)\s*=?\s*\S+$/.exec(trimmed)?.[1])?.toLowerCase();
      const meant =
        word === undefined
          ? undefined
          : KEYS.find((k) => k === word || (word.length >= 4 && editDistance(word, k) <= 2));
      if (meant && !(match && word === meant)) {
        throw new HeaderError(
          `${at}: "${trimmed}" is not a header line smartem-db understands; did you mean "-- ${meant}: ${meant === 'transaction' ? 'yes|no' : meant === 'contracts' ? '<expand id>' : '<id>|none'}"?`,
        );
      }
      continue;
    }
    if (seen.has(key!)) throw new HeaderError(`${at}: "-- ${key}:" is given twice`);
    seen.add(key!);
    const value = match[2]!;
    if (key === 'parent') header.parent = value === 'none' || value === '' ? null : value;
    if (key === 'contracts') {
      if (value === '') throw new HeaderError(`${at}: "-- contracts:" must name the expand migration it completes`);
      header.contracts = value;
    }
    if (key === 'transaction') {
      if (!/^(yes|no)$/i.test(value)) throw new HeaderError(`${at}: "-- transaction: ${value}" must be "yes" or "no"`);
      header.transactional = value.toLowerCase() === 'yes';
    }
  }
  return header;
}

/** The header smartem-db writes at the top of a new up.sql (and down.sql). */
export function renderHeader(
  id: string,
  parent: string | null,
  transactional: boolean,
  direction: 'up' | 'down',
  contracts?: string,
): string {
  return [
    `-- smartem-db migration ${id} (${direction})`,
    `-- parent: ${parent ?? 'none'}`,
    `-- transaction: ${transactional ? 'yes' : 'no'}`,
    ...(contracts && direction === 'up' ? [`-- contracts: ${contracts}`] : []),
    '',
  ].join('\n');
}
