// SmartEM's Alembic history (shared/smartem-schema.md section 6): the revisions in the order they
// apply. Its head produces exactly the schema of smartem-db's baseline migration.
const SMARTEM_ALEMBIC_CHAIN = [
  '001',
  '002',
  '003',
  '33107394dcd1',
  '87f8c5e11906',
  'a1b2c3d4e5f6',
  'b2c3d4e5f6a7',
  'b3c4d5e6f7a8',
  'c4d5e6f7a8b9',
] as const;

const SMARTEM_ALEMBIC_HEAD = SMARTEM_ALEMBIC_CHAIN.at(-1)!;

/** Where an Alembic revision stands: at head, some revisions behind, or not SmartEM's. */
export type AlembicPosition =
  | { kind: 'head'; revision: string }
  | { kind: 'behind'; revision: string; behind: number }
  | { kind: 'unknown'; revision: string };

export function alembicPosition(revision: string): AlembicPosition {
  const at = (SMARTEM_ALEMBIC_CHAIN as readonly string[]).indexOf(revision);
  if (at < 0) return { kind: 'unknown', revision };
  const behind = SMARTEM_ALEMBIC_CHAIN.length - 1 - at;
  return behind === 0 ? { kind: 'head', revision } : { kind: 'behind', revision, behind };
}

export function describePosition(position: AlembicPosition): string {
  switch (position.kind) {
    case 'head':
      return `Alembic revision ${position.revision}, SmartEM's head`;
    case 'behind':
      return `Alembic revision ${position.revision}, ${position.behind} revision${position.behind === 1 ? '' : 's'} behind SmartEM's head ${SMARTEM_ALEMBIC_HEAD}`;
    case 'unknown':
      return `Alembic revision ${position.revision}, which is not one of SmartEM's (${SMARTEM_ALEMBIC_CHAIN.join(', ')})`;
  }
}
