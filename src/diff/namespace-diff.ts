import type { Catalog } from '../catalog/catalog.js';
import { compareKeyed } from './keyed.js';
import { Phase } from '../objects/phases.js';
import { placed, type PlacedOp } from './phases.js';

/** Schemas created first and dropped last (a dropped schema must be empty by then). */
export function diffNamespaces(from: Catalog, to: Catalog): PlacedOp[] {
  const { added, removed } = compareKeyed(from.schemas, to.schemas, (s) => s);
  return [
    ...added.map((schema) => placed(Phase.createSchema, { kind: 'createSchema', schema })),
    ...removed.map((schema) => placed(Phase.dropSchema, { kind: 'dropSchema', schema })),
  ];
}
