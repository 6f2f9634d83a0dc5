import fc from 'fast-check';

// Random SmartEM-like schemas for property tests: a few tables of random columns and keys, with
// the other object kinds (enum, domain, composite type, view, trigger, policy, grant, inheritance,
// partitions) present or not. `schema` makes one, `ddl` writes its SQL.

const TYPES: Record<string, string[]> = {
  integer: ['0', '42'],
  bigint: ['7'],
  smallint: ['1'],
  text: ["'x'"],
  'varchar(20)': ["'y'"],
  boolean: ['true', 'false'],
  timestamp: ['now()', "'2026-01-01 00:00:00'"],
  'double precision': ['1.5'],
  'numeric(10,2)': ['3.14'],
  jsonb: ["'{}'"],
  mood: ["'happy'"],
  'integer[]': ["'{}'"],
  date: ['current_date'],
};

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

const column = fc.record({
  name: fc.constantFrom('a', 'b', 'c', 'Mixed Case', 'group', 'timestamp'),
  type: fc.constantFrom(...Object.keys(TYPES)),
  notNull: fc.boolean(),
  withDefault: fc.boolean(),
  defaultPick: fc.nat(),
  indexed: fc.boolean(),
  comment: fc.option(fc.constantFrom('kept', "it's"), { nil: null }),
});

const table = fc.record({
  name: fc.constantFrom('grid', 'gridsquare', 'Odd Name', 'select'),
  columns: fc.uniqueArray(column, { minLength: 1, maxLength: 4, selector: (c) => c.name }),
  primaryKey: fc.boolean(),
  unique: fc.boolean(),
  fillfactor: fc.constantFrom(null, 70, 90),
  rowLevelSecurity: fc.boolean(),
  policy: fc.constantFrom(null, 'true', 'false'),
  trigger: fc.boolean(),
  grant: fc.constantFrom(null, 'select', 'select, insert'),
});

export const schema = fc.record({
  tables: fc.uniqueArray(table, { maxLength: 3, selector: (t) => t.name }),
  moodValues: fc.shuffledSubarray(['sad', 'ok', 'ecstatic'], { minLength: 0 }).map((v) => [...v, 'happy']),
  moodOrder: fc.nat(),
  view: fc.boolean(),
  /** A trigger function's body (null: none, and no triggers). */
  touch: fc.constantFrom(null, 'return new;', 'return null;'),
  domain: fc.constantFrom(null, 'value > 0', 'value >= 0'),
  /** A table inheriting the first one, with columns of its own. */
  child: fc.constantFrom(null, 'note text', 'note text, extra integer'),
  /** A composite type's attributes, and a function taking it. */
  pair: fc.constantFrom(null, 'a integer', 'a integer, b text', 'a integer, b varchar(20)'),
  /** A table with a column of the composite type (it is then changed in place). */
  pairColumn: fc.boolean(),
  viewComment: fc.option(fc.constantFrom('summary', 'the first column'), { nil: null }),
  columnGrant: fc.boolean(),
  /** A partitioned table with one partition, ending at this date. */
  partitionTo: fc.constantFrom(null, '2027-01-01', '2026-07-01'),
  /** The partition's table on its own instead (a pair then attaches or detaches it). */
  partitionDetached: fc.boolean(),
  /** The partitioned table's index (its columns), and whether it has a unique key. */
  partitionIndex: fc.constantFrom(null, 'v', 'v, at'),
  partitionUnique: fc.boolean(),
  /** The event table plain instead of partitioned (a pair then makes it again, its rows kept). */
  eventPlain: fc.boolean(),
});

export type Schema = typeof schema extends fc.Arbitrary<infer T> ? T : never;

export function ddl(s: Schema): string {
  const values = [...s.moodValues];
  const at = s.moodOrder % values.length;
  [values[0], values[at]] = [values[at]!, values[0]!];
  const out = [`create type mood as enum (${values.map((v) => `'${v}'`).join(', ')})`];
  for (const t of s.tables) {
    const cols = t.columns.map((c, i) => {
      const keyed = t.primaryKey && i === 0;
      const defaults = TYPES[c.type]!;
      const def = c.withDefault ? ` default ${defaults[c.defaultPick % defaults.length]}` : '';
      return `${ident(c.name)} ${c.type}${c.notNull || keyed ? ' not null' : ''}${def}`;
    });
    const keys = [
      ...(t.primaryKey ? [`constraint ${ident(`${t.name}_pkey`)} primary key (${ident(t.columns[0]!.name)})`] : []),
      ...(t.unique && t.columns.length > 1
        ? [`constraint ${ident(`${t.name}_uq`)} unique (${ident(t.columns.at(-1)!.name)})`]
        : []),
    ];
    out.push(`create table ${ident(t.name)} (${[...cols, ...keys].join(', ')})`);
    for (const c of t.columns) {
      if (c.indexed && c.type !== 'jsonb')
        out.push(`create index ${ident(`ix_${t.name}_${c.name}`)} on ${ident(t.name)} (${ident(c.name)})`);
      if (c.comment)
        out.push(`comment on column ${ident(t.name)}.${ident(c.name)} is '${c.comment.replace(/'/g, "''")}'`);
    }
  }
  if (s.touch) out.push(`create function touch() returns trigger language plpgsql as $$ begin ${s.touch} end $$`);
  if (s.domain) out.push(`create domain positive as integer check (${s.domain})`);
  for (const t of s.tables) {
    const name = ident(t.name);
    if (t.fillfactor) out.push(`alter table ${name} set (fillfactor = ${t.fillfactor})`);
    if (t.rowLevelSecurity) out.push(`alter table ${name} enable row level security`);
    if (t.policy) out.push(`create policy ${ident(`${t.name} rows`)} on ${name} using (${t.policy})`);
    if (t.trigger && s.touch)
      out.push(
        `create trigger ${ident(`${t.name}_touch`)} before update on ${name} for each row execute function touch()`,
      );
    if (t.grant) out.push(`grant ${t.grant} on ${name} to public`);
  }
  const first = s.tables[0];
  if (s.view && first) {
    out.push(`create view summary as select ${ident(first.columns[0]!.name)} from ${ident(first.name)}`);
    if (s.viewComment) out.push(`comment on view summary is '${s.viewComment}'`);
  }
  if (s.child && first) out.push(`create table child (${s.child}) inherits (${ident(first.name)})`);
  if (s.columnGrant && first)
    out.push(`grant select (${ident(first.columns[0]!.name)}) on ${ident(first.name)} to public`);
  if (s.pair) {
    out.push(`create type pair as (${s.pair})`);
    out.push(`create function pair_a(p pair) returns integer language sql as 'select (p).a'`);
    if (s.pairColumn) out.push(`create table holder (id integer, p pair)`);
  }
  if (s.partitionTo) {
    out.push(
      `create table event (at date not null, v integer${s.partitionUnique ? ', constraint event_v_at unique (v, at)' : ''})${s.eventPlain ? '' : ' partition by range (at)'}`,
    );
    if (s.partitionIndex) out.push(`create index event_v on event (${s.partitionIndex})`);
    if (!s.eventPlain)
      out.push(
        s.partitionDetached
          ? `create table event_2026 (at date not null, v integer)`
          : `create table event_2026 partition of event for values from ('2026-01-01') to ('${s.partitionTo}')`,
      );
  }
  return out.map((x) => `${x};`).join('\n');
}
