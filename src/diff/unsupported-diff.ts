import type { Catalog } from '../catalog/catalog.js';
import { SmartemDbError } from '../errors.js';
import { compareKeyed } from './keyed.js';

/** What to do about a difference smartem-db cannot write SQL for. */
export const WRITE_IT_BY_HAND =
  'Write it by hand: `smartem-db generate --empty <name>`, put the SQL in its up.sql and down.sql, and generate again (it then compares the rest).';

/**
 * Refuses a plan where something smartem-db cannot migrate differs (an aggregate, an operator, a
 * cast, inheritance, column privileges ...): a migration without it would pass silently and be
 * wrong. Says what differs and how to write it by hand.
 */
export function refuseUnsupportedDifferences(from: Catalog, to: Catalog): void {
  const { added, removed, both } = compareKeyed(from.unsupported, to.unsupported, (o) => o.name);
  const lines = [
    ...added.map((o) => `${o.name}: wanted, not there yet`),
    ...removed.map((o) => `${o.name}: there, not wanted`),
    ...both.filter(([a, b]) => a.definition !== b.definition).map(([a]) => `${a.name}: changed`),
  ];
  if (lines.length === 0) return;
  throw new SmartemDbError(
    'UNSUPPORTED_CHANGE',
    `smartem-db cannot write the SQL for ${lines.length === 1 ? 'this difference' : 'these differences'} yet:\n` +
      lines.map((l) => `  - ${l}`).join('\n') +
      `\n${WRITE_IT_BY_HAND}`,
  );
}
