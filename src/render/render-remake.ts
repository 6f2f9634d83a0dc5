import type { CommentTarget, RemadeTable } from '../ops/op.js';
import type { Index } from '../catalog/catalog.js';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import { copyInBatches } from './batches.js';
import { temporaryName } from './temporary-name.js';
import { renderComment, renderCreateTable, statement } from './render-op.js';
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
  const asideName = temporaryName(from.table.name, '_smartem_old');
  const aside = quoteQualified(t.schema, asideName);
  const indexNames = [
    ...from.table.indexes.map((i) => i.name),
    ...from.table.constraints.filter((k) => k.kind !== 'check').map((k) => k.name),
  ];
  const copied = copiedColumns(from, to)
    .map((c) => quoteIdent(c.name))
    .join(', ');
  return [
    statement(`ALTER TABLE ${quoteQualified(t.schema, from.table.name)} RENAME TO ${quoteIdent(asideName)}`),
    ...disowned(from),
    ...indexNames.map((name) =>
      statement(
        `ALTER INDEX ${quoteQualified(t.schema, name)} RENAME TO ${quoteIdent(temporaryName(name, '_smartem_old'))}`,
      ),
    ),
    ...renderCreateTable({ ...t, indexes: [], foreignKeys: [] }),
    ...to.partitions.flatMap((p) => p.create.map((sql) => statement(sql))),
    statement(`INSERT INTO ${target} (${copied}) SELECT ${copied} FROM ${aside}`),
    ...t.indexes.map((i) => statement(i.definition)),
    ...t.foreignKeys.map((k) =>
      statement(`ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definition}`),
    ),
    statement(`DROP TABLE ${aside}`),
    ...owned(to),
    ...comments(to, t.name, (name) => name),
  ];
}

/** The columns whose values are copied: those both shapes have, but generated ones (computed again). */
const copiedColumns = (from: RemadeTable, to: RemadeTable) =>
  to.table.columns.filter((c) => !c.generated && from.table.columns.some((f) => f.name === c.name && !f.generated));

/** The old table's sequences let go of, so that dropping it keeps them (taken under its lock: a writer's nextval waits behind it). */
const disowned = (from: RemadeTable): Statement[] =>
  from.sequences.map((s) => statement(`ALTER SEQUENCE ${quoteQualified(s.schema, s.name)} OWNED BY NONE`));

const owned = (to: RemadeTable): Statement[] =>
  to.sequences.flatMap((s) =>
    s.ownedBy
      ? [
          statement(
            `ALTER SEQUENCE ${quoteQualified(s.schema, s.name)} OWNED BY ${quoteQualified(to.table.schema, to.table.name)}.${quoteIdent(s.ownedBy.column)}`,
          ),
        ]
      : [],
  );

/** The comments of the table made again, on the table `table`, its constraints and indexes named by `named`. */
function comments(to: RemadeTable, table: string, named: (name: string) => string): Statement[] {
  const { schema } = to.table;
  const on = (target: CommentTarget, text: string | null) => (text === null ? [] : [renderComment(target, text)]);
  return [
    ...on({ kind: 'table', schema, name: table }, to.table.comment),
    ...to.table.columns.flatMap((c) => on({ kind: 'column', schema, table, column: c.name }, c.comment)),
    ...to.table.constraints.flatMap((k) => on({ kind: 'constraint', schema, table, name: named(k.name) }, k.comment)),
    ...to.table.indexes.flatMap((i) => on({ kind: 'index', schema, name: named(i.name) }, i.comment)),
  ];
}

const step = (sql: string): Statement => ({ sql, hazards: [], transactional: false });

/** An index's definition (as pg_get_indexdef prints it) under another name, on another table. */
function indexOn(index: Index, name: string, relation: string): string {
  const m =
    /^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON (?:ONLY )?(?:"(?:[^"]|"")+"|[^\s".]+)(?:\.(?:"(?:[^"]|"")+"|[^\s".]+))? (USING .*)$/s.exec(
      index.definition,
    );
  if (!m) throw new Error(`cannot read the index definition ${index.definition}`);
  return `CREATE ${m[1] ?? ''}INDEX ${quoteIdent(name)} ON ${relation} ${m[2]}`;
}

/**
 * The online form (the table has a primary key in both shapes, and nothing else names it): the
 * new table made beside the old under a temporary name, with its partitions, keys and indexes; a
 * trigger on the old one mirroring every insert, update and delete into it; the rows copied in
 * committed batches; then, in one short transaction, the trigger and the old table dropped and the
 * new one given the table's name and its constraints' and indexes' names.
 */
export function renderRemakeOnline(from: RemadeTable, to: RemadeTable, key: string[]): Statement[] {
  const t = to.table;
  const target = quoteQualified(t.schema, t.name);
  const freshName = temporaryName(t.name, '_smartem_new');
  const fresh = quoteQualified(t.schema, freshName);
  const during = (name: string) => temporaryName(name, '_smartem_new');
  const fn = quoteQualified(t.schema, temporaryName(t.name, '_smartem_mirror'));
  const trigger = quoteIdent(temporaryName(t.name, '_smartem_mirror'));
  const columns = copiedColumns(from, to);
  const list = columns.map((c) => quoteIdent(c.name)).join(', ');
  const keyList = key.map(quoteIdent).join(', ');
  const partitionOf = (sql: string) =>
    sql.replace(
      /^(CREATE TABLE .+? PARTITION OF )(?:"(?:[^"]|"")+"|[^\s".]+)\.(?:"(?:[^"]|"")+"|[^\s".]+)( .*)$/s,
      `$1${fresh}$2`,
    );
  const sources = from.partitions.length
    ? from.partitions.map((p) => {
        const dot = p.name.indexOf('.');
        return quoteQualified(p.name.slice(0, dot), p.name.slice(dot + 1));
      })
    : [quoteQualified(t.schema, from.table.name)];
  const mirror = [
    'BEGIN',
    "  IF TG_OP <> 'INSERT' THEN",
    `    DELETE FROM ${fresh} WHERE (${keyList}) = (${key.map((k) => `OLD.${quoteIdent(k)}`).join(', ')});`,
    '  END IF;',
    "  IF TG_OP <> 'DELETE' THEN",
    `    INSERT INTO ${fresh} (${list}) VALUES (${columns.map((c) => `NEW.${quoteIdent(c.name)}`).join(', ')})`,
    `      ON CONFLICT (${keyList}) DO UPDATE SET (${list}) = ROW(${columns.map((c) => `EXCLUDED.${quoteIdent(c.name)}`).join(', ')});`,
    '  END IF;',
    '  RETURN NULL;',
    'END',
  ].join('\n');
  const swap = [
    'DO $smartem_swap$',
    'DECLARE',
    '  smartem_started timestamptz := clock_timestamp();',
    'BEGIN',
    `  LOCK TABLE ${target} IN ACCESS EXCLUSIVE MODE;`,
    `  DROP TRIGGER ${trigger} ON ${target};`,
    `  DROP FUNCTION ${fn}();`,
    ...disowned(from).map((st) => `  ${st.sql};`),
    `  DROP TABLE ${target};`,
    `  ALTER TABLE ${fresh} RENAME TO ${quoteIdent(t.name)};`,
    ...t.constraints.map(
      (k) => `  ALTER TABLE ${target} RENAME CONSTRAINT ${quoteIdent(during(k.name))} TO ${quoteIdent(k.name)};`,
    ),
    ...t.indexes.map(
      (i) => `  ALTER INDEX ${quoteQualified(t.schema, during(i.name))} RENAME TO ${quoteIdent(i.name)};`,
    ),
    ...owned(to).map((st) => `  ${st.sql};`),
    `  RAISE NOTICE 'smartem-db:progress ${target.replace(/'/g, "''")} made again: the swap held its lock % ms',`,
    '    round(extract(epoch FROM clock_timestamp() - smartem_started) * 1000);',
    'END',
    '$smartem_swap$',
  ].join('\n');
  return [
    ...renderCreateTable({
      ...t,
      name: freshName,
      constraints: t.constraints.map((k) => ({ ...k, name: during(k.name) })),
      indexes: [],
      foreignKeys: [],
    }).map((s) => ({ ...s, transactional: false })),
    ...to.partitions.flatMap((p) => p.create.map((sql) => step(partitionOf(sql)))),
    ...t.indexes.map((i) => step(indexOn(i, during(i.name), fresh))),
    ...t.foreignKeys.map((k) => step(`ALTER TABLE ${fresh} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definition}`)),
    ...comments(to, freshName, during).map((s) => ({ ...s, transactional: false })),
    step(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $smartem_mirror$\n${mirror}\n$smartem_mirror$`),
    step(
      `CREATE TRIGGER ${trigger} AFTER INSERT OR UPDATE OR DELETE ON ${target} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    ),
    ...sources.map((source) => step(copyInBatches(source, fresh, list, keyList, `${t.schema}.${t.name}`))),
    step(swap),
  ];
}
