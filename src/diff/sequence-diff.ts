import type { Catalog, Sequence } from '../catalog/catalog.js';
import { compareKeyed } from './keyed.js';
import { keyOf } from '../catalog/qualified-name.js';
import { Phase } from '../objects/phases.js';
import { placed, type PlacedOp } from './phases.js';

/**
 * Sequences are created unowned before the tables whose defaults use them, and owned (OWNED BY)
 * once the owning column exists; an owned sequence is disowned before its table or column is
 * dropped, so that DROP TABLE does not take it along and the later DROP SEQUENCE finds it.
 */
export function diffSequences(from: Catalog, to: Catalog): PlacedOp[] {
  const out: PlacedOp[] = [];
  const unowned = (s: Sequence): Sequence => ({ ...s, ownedBy: null });
  const { added, removed, both } = compareKeyed(from.sequences, to.sequences, keyOf);
  for (const s of added) {
    out.push(placed(Phase.createSequence, { kind: 'createSequence', sequence: unowned(s) }));
    if (s.ownedBy) out.push(placed(Phase.ownSequence, { kind: 'alterSequence', from: unowned(s), to: s }));
  }
  for (const s of removed) {
    if (s.ownedBy) out.push(placed(Phase.disownSequence, { kind: 'alterSequence', from: s, to: unowned(s) }));
    out.push(placed(Phase.dropSequence, { kind: 'dropSequence', sequence: unowned(s) }));
  }
  for (const [a, b] of both) {
    const options = (s: Sequence) => [s.type, s.start, s.increment, s.min, s.max, s.cache, s.cycle].join(' ');
    const owner = (s: Sequence) => (s.ownedBy ? `${s.ownedBy.table}.${s.ownedBy.column}` : '');
    // Options change between disowning (if the owner changes) and owning again: say who owns it then.
    const ownerBetween = owner(a) === owner(b) ? a.ownedBy : null;
    if (options(a) !== options(b)) {
      out.push(
        placed(Phase.alterSequence, {
          kind: 'alterSequence',
          from: { ...a, ownedBy: ownerBetween },
          to: { ...b, ownedBy: ownerBetween },
        }),
      );
    }
    if (owner(a) !== owner(b)) {
      if (a.ownedBy) out.push(placed(Phase.disownSequence, { kind: 'alterSequence', from: a, to: unowned(a) }));
      if (b.ownedBy) out.push(placed(Phase.ownSequence, { kind: 'alterSequence', from: unowned(b), to: b }));
    }
  }
  return out;
}
