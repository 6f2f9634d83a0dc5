/** What the comment header of a migration script declares. */
export interface MigrationHeader {
  /** The migration this one follows (`none` for the first), like Alembic's down_revision. */
  parent: string | null | undefined;
  /** False for statements that PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY). */
  transactional: boolean;
}

export class HeaderError extends Error {}

/**
 * Reads the `-- key: value` lines at the top of a migration script (before its first statement).
 * Known keys: `parent` (an id, or `none`) and `transaction` (`yes` or `no`).
 *
 * @example parseHeader('-- parent: none\n-- transaction: no\ncreate index concurrently ...')
 *   // { parent: null, transactional: false }
 */
export function parseHeader(text: string): MigrationHeader {
  const header: MigrationHeader = { parent: undefined, transactional: true };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    const match = /^--\s*([a-z-]+)\s*:\s*(.*?)\s*$/i.exec(trimmed);
    if (!match) continue;
    const key = match[1]!.toLowerCase();
    const value = match[2]!;
    if (key === 'parent') header.parent = value === 'none' || value === '' ? null : value;
    if (key === 'transaction') {
      if (!/^(yes|no)$/i.test(value)) throw new HeaderError(`"-- transaction: ${value}" must be "yes" or "no"`);
      header.transactional = value.toLowerCase() === 'yes';
    }
  }
  return header;
}

/** The header smartem-db writes at the top of a new up.sql (and down.sql). */
export function renderHeader(id: string, parent: string | null, transactional: boolean, direction: 'up' | 'down'): string {
  return [
    `-- smartem-db migration ${id} (${direction})`,
    `-- parent: ${parent ?? 'none'}`,
    `-- transaction: ${transactional ? 'yes' : 'no'}`,
    '',
  ].join('\n');
}
