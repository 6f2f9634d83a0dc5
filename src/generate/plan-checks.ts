// What a plan must pass before generate writes it: no difference it cannot see, renames asked
// about, data loss and locks acknowledged; and the warning about big tables a plain plan would lock.
import type { DbSession } from '../db/session.js';
import { SmartemDbError } from '../errors.js';
import type { Catalog } from '../catalog/catalog.js';
import { catalogDifferences } from '../catalog/catalog-differences.js';
import type { Op } from '../ops/op.js';
import type { JournalRef } from '../migrations/journal.js';
import type { Logger } from '../migrations/logger.js';
import type { RenderedScript } from '../render/render-script.js';
import { tableSizes } from '../catalog/table-sizes.js';
import { DEFAULT_SMALL_TABLE_ROWS } from '../lint/lint-migrations.js';
import { tablesOf } from '../migrations/lock-retry.js';
import { acknowledged, dataLossObject, type Hints } from './hints.js';
import { keyOf, qualifiedName } from '../catalog/qualified-name.js';
import { WRITE_IT_BY_HAND } from '../diff/unsupported-diff.js';

/**
 * No ops, yet the two catalogs differ: something the differ does not turn into SQL. Saying
 * "nothing to generate" would leave it out silently; name it instead.
 */
export function refuseUnseenDifferences(have: Catalog, want: Catalog): void {
  const left = catalogDifferences(have, want);
  if (left.length === 0) return;
  throw new SmartemDbError(
    'UNSUPPORTED_CHANGE',
    `The model and the migrations differ in what smartem-db cannot write SQL for:\n${left.map((l) => `  - ${l}`).join('\n')}\n` +
      WRITE_IT_BY_HAND,
  );
}

/** Likely renames: in one table, a column dropped and one of the same type added; or a table dropped while one is created. */
export async function askRenames(ops: Op[], hints: Hints, confirm: (q: string) => Promise<boolean>): Promise<Hints> {
  const next: Hints = { ...hints, tables: [...hints.tables], columns: [...hints.columns] };
  const droppedTables = ops.flatMap((o) => (o.kind === 'dropTable' ? [o.table] : []));
  const createdTables = ops.flatMap((o) => (o.kind === 'createTable' ? [o.table] : []));
  for (const a of droppedTables) {
    for (const b of createdTables) {
      if (a.schema !== b.schema || next.tables.some((t) => t.to === b.name)) continue;
      if (await confirm(`Is table ${qualifiedName(a.schema, b.name)} the table ${keyOf(a)} renamed?`)) {
        next.tables.push({ schema: a.schema, from: a.name, to: b.name });
        break;
      }
    }
  }
  const dropped = ops.flatMap((o) => (o.kind === 'dropColumn' ? [o] : []));
  const added = ops.flatMap((o) => (o.kind === 'addColumn' ? [o] : []));
  for (const d of dropped) {
    for (const a of added) {
      if (a.schema !== d.schema || a.table !== d.table || a.column.type !== d.column.type) continue;
      if (next.columns.some((c) => c.table === a.table && c.to === a.column.name)) continue;
      if (
        await confirm(
          `Is column ${qualifiedName(a.schema, a.table, a.column.name)} the column ${d.column.name} renamed?`,
        )
      ) {
        next.columns.push({ schema: a.schema, table: a.table, from: d.column.name, to: a.column.name });
        break;
      }
    }
  }
  return next.tables.length === hints.tables.length && next.columns.length === hints.columns.length ? hints : next;
}

export function refuseUnacknowledgedLoss(up: RenderedScript, ops: Op[], hints: Hints, allowAll: boolean): void {
  if (allowAll) return;
  const losses = up.entries.flatMap(({ op, statement }) => {
    const loss = statement.hazards.find((h) => h.kind === 'data-loss');
    const object = dataLossObject(op);
    return loss && object && !acknowledged(hints, object) ? [{ object, loss }] : [];
  });
  if (losses.length === 0) return;
  const lines = losses.map((l) => `  - ${l.loss.message} (acknowledge with --allow-data-loss or a hint "${l.object}")`);
  const candidates = renameCandidates(ops);
  throw new SmartemDbError(
    'DATA_LOSS_REFUSED',
    `The migration would lose data; nothing was written:\n${lines.join('\n')}` +
      (candidates.length ? `\nIf these are renames, say so: ${candidates.join(' ')}` : ''),
  );
}

/**
 * What generate writes must pass the lint as written: a lock or rewrite left in the online form
 * (a type change that rewrites the table, say) is refused, with what to do, unless --plain gave
 * the reason it is acceptable.
 */
export function refuseUnacknowledgedLocks(up: RenderedScript): void {
  const left = up.entries.flatMap(({ op, statement }) =>
    statement.hazards
      .filter((h) => h.kind !== 'data-loss' && !up.sql.includes(`-- smartem-db:allow ${h.kind}:`))
      .map((h) => ({ op, hazard: h, sql: statement.sql })),
  );
  if (left.length === 0) return;
  const lines = left.map(({ op, hazard }) => {
    const plan =
      op.kind === 'alterColumn' && op.from.type !== op.to.type
        ? `\n      To change it while the application runs, write it as expand and contract: --expand-contract (a new ` +
          `column kept equal to the old by a trigger and backfilled in batches; the old one dropped by a contract ` +
          `migration that runs only with upgrade --contract, after the rollout).`
        : '';
    return `  - ${hazard.kind}: ${hazard.message}${plan}`;
  });
  throw new SmartemDbError(
    'LOCK_REFUSED',
    `The migration would take locks or rewrite tables that hold data, which its online form cannot avoid; nothing was written:\n${lines.join('\n')}\n` +
      'If the tables are small or the lock is acceptable here, write the plain form and say why: --plain "<reason>" ' +
      '(it is written above each such statement for the lint).',
  );
}

/** With --plain and a database at hand: a warning for each locked or rewritten table that is not small. */
export async function warnAboutBigTables(
  live: DbSession,
  up: RenderedScript,
  journal: JournalRef,
  log: Logger | undefined,
): Promise<void> {
  const { sizes } = await tableSizes(live, [journal.schema]);
  const tables = new Set(
    up.entries.flatMap(({ statement }) =>
      statement.hazards.some((h) => h.kind === 'blocking-lock' || h.kind === 'table-rewrite')
        ? tablesOf(statement.sql)
        : [],
    ),
  );
  for (const t of sizes) {
    const key = `${t.schema}.${t.name}`;
    if (
      t.rows <= DEFAULT_SMALL_TABLE_ROWS ||
      ![...tables].some((x) => x.replace(/"/g, '') === key || x.replace(/"/g, '') === t.name)
    )
      continue;
    log?.warn(
      `--plain locks ${key} (about ${t.rows.toLocaleString('en')} rows) for as long as its statements take; the online form (the default) would not.`,
    );
  }
}

function renameCandidates(ops: Op[]): string[] {
  const out: string[] = [];
  for (const d of ops) {
    if (d.kind !== 'dropColumn') continue;
    for (const a of ops) {
      if (a.kind === 'addColumn' && a.table === d.table && a.schema === d.schema && a.column.type === d.column.type) {
        out.push(`--rename ${d.schema === 'public' ? '' : `${d.schema}.`}${d.table}.${d.column.name}=${a.column.name}`);
      }
    }
  }
  const dropped = ops.flatMap((o) => (o.kind === 'dropTable' ? [o.table] : []));
  const created = ops.flatMap((o) => (o.kind === 'createTable' ? [o.table] : []));
  for (const d of dropped)
    for (const c of created) if (c.schema === d.schema) out.push(`--rename-table ${d.name}=${c.name}`);
  return out;
}
