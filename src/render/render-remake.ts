import type { RemadeTable } from '../ops/op.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../sql/quote.js';
import { temporaryName } from './render-online.js';
import { renderCreateTable, statement } from './render-op.js';
import type { Statement } from './statement.js';

/**
 * A table made again in another form, its rows kept, in one transaction (the plain form: the
 * table is locked while its rows are copied). The old table is renamed aside with the names of
 * its indexes, so that the new one takes them; dependents that follow the old table by its oid
 * (views, foreign keys to it, triggers, policies) were dropped before, and are made again after.
 */
export function renderRemake(from: RemadeTable, to: RemadeTable): Statement[] {
  const t = to.table;
  const target = quoteQualified(t.schema, t.name);
  const aside = quoteQualified(t.schema, temporaryName(from.table.name, '_smartem_old'));
  const indexNames = [
    ...from.table.indexes.map((i) => i.name),
    ...from.table.constraints.filter((k) => k.kind !== 'check').map((k) => k.name),
  ];
  const copied = t.columns
    .filter((c) => !c.generated && from.table.columns.some((f) => f.name === c.name && !f.generated))
    .map((c) => quoteIdent(c.name))
    .join(', ');
  const comment = (on: string, text: string | null) =>
    text === null ? [] : [statement(`COMMENT ON ${on} IS ${quoteLiteral(text)}`)];
  return [
    statement(
      `ALTER TABLE ${quoteQualified(t.schema, from.table.name)} RENAME TO ${quoteIdent(temporaryName(from.table.name, '_smartem_old'))}`,
    ),
    ...indexNames.map((name) =>
      statement(
        `ALTER INDEX ${quoteQualified(t.schema, name)} RENAME TO ${quoteIdent(temporaryName(name, '_smartem_old'))}`,
      ),
    ),
    ...renderCreateTable({ ...t, indexes: [], foreignKeys: [] }),
    ...to.partitions.flatMap((p) => p.create.map((sql) => statement(sql))),
    statement(`INSERT INTO ${target} (${copied}) SELECT ${copied} FROM ${aside}`),
    ...t.indexes.map((i) => statement(i.definition)),
    statement(`DROP TABLE ${aside}`),
    ...comment(`TABLE ${target}`, t.comment),
    ...t.columns.flatMap((c) => comment(`COLUMN ${target}.${quoteIdent(c.name)}`, c.comment)),
    ...t.constraints.flatMap((k) => comment(`CONSTRAINT ${quoteIdent(k.name)} ON ${target}`, k.comment)),
    ...t.indexes.flatMap((i) => comment(`INDEX ${quoteQualified(t.schema, i.name)}`, i.comment)),
  ];
}
