import { describe, expect, it } from 'vitest';
import { emptyCatalog, type Column, type Catalog } from '../../src/catalog/catalog.js';
import { catalogDifferences } from '../../src/catalog/catalog-differences.js';
import { catalogTable } from '../support/catalog-table.js';

const column = (name: string, extra: Partial<Column> = {}): Column => ({
  name,
  type: 'integer',
  typeRef: { schema: 'pg_catalog', name: 'int4' },
  notNull: false,
  default: null,
  identity: null,
  generated: null,
  collation: null,
  comment: null,
  ...extra,
});

const model = (columns: Column[], extra: Partial<Catalog> = {}): Catalog => ({
  ...emptyCatalog(),
  schemas: ['public'],
  tables: [catalogTable('grid', { columns })],
  ...extra,
});

describe('catalogDifferences', () => {
  it('is empty for equal models, whatever the column order', () => {
    expect(catalogDifferences(model([column('a'), column('b')]), model([column('b'), column('a')]))).toEqual([]);
  });

  it('names each differing field with both values', () => {
    const diffs = catalogDifferences(model([column('a', { notNull: true, collation: '"C"' })]), model([column('a')]));
    expect(diffs).toEqual([
      'column public.grid.a: notNull true, expected false',
      'column public.grid.a: collation "\\"C\\"", expected null',
    ]);
  });

  it('names objects present on one side only', () => {
    const withEnum = model([column('a')], {
      enums: [{ schema: 'public', name: 'status', values: ['NONE'], comment: null }],
    });
    expect(catalogDifferences(model([column('a'), column('b')]), withEnum)).toEqual([
      'enum public.status: absent, expected present',
      'column public.grid.b: present, expected absent',
    ]);
  });

  it('sees a change in enum value order', () => {
    const a = model([], { enums: [{ schema: 'public', name: 's', values: ['A', 'B'], comment: null }] });
    const b = model([], { enums: [{ schema: 'public', name: 's', values: ['B', 'A'], comment: null }] });
    expect(catalogDifferences(a, b)).toEqual(['enum public.s: values ["A","B"], expected ["B","A"]']);
  });
});
