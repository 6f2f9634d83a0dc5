import type { HazardKind } from '../hazards/hazard.js';
import type { Migration } from '../migrations/migration-folder.js';
import { splitStatements } from '../sql/sql-split.js';
import { transactionControlProblem } from '../migrations/script-statements.js';
import type { StatementHazard } from './hazard-context.js';
import { classifyStatements } from './classify-script.js';
import type { Catalog } from '../catalog/catalog.js';
import type { TableSize } from '../catalog/table-sizes.js';

/** One hazard found in a migration, and whether a directive acknowledges it. */
export interface LintFinding extends StatementHazard {
  migration: string;
  file: string;
  line: number;
  statement: string;
  /** The reason given by the directive that acknowledges it, or null (then the lint fails). */
  acknowledged: string | null;
  /** The table's estimated rows and total size, when the lint read them (lint --db). */
  tableRows?: number;
  tableBytes?: number;
}

export interface LintReport {
  ok: boolean;
  findings: LintFinding[];
  /** Statements the parser rejects, and malformed directives: always failures. */
  errors: { migration: string; file: string; line: number; message: string }[];
}

const KINDS: HazardKind[] = ['data-loss', 'table-rewrite', 'blocking-lock', 'breaking-change'];
const DIRECTIVE = /^--\s*smartem-db:allow\s+([a-z-]+(?:\s*,\s*[a-z-]+)*)\s*(?::\s*(.*))?$/;

/**
 * Classifies every statement of each migration's up.sql with PostgreSQL's own parser
 * (libpg-query) and reports each hazard with a reason and a safer alternative. A hazard passes
 * only if the comment lines just above its statement acknowledge it with a reason:
 *
 *     -- smartem-db:allow data-loss: the notes column was never used (see ticket 123)
 *     ALTER TABLE grid DROP COLUMN notes;
 */
export async function lintMigrations(migrations: readonly Migration[], options: LintOptions = {}): Promise<LintReport> {
  const findings: LintFinding[] = [];
  const errors: LintReport['errors'] = [];
  for (const m of migrations) {
    const statements = splitStatements(m.up.text);
    const control = transactionControlProblem(m.up, statements);
    if (control) {
      const line = Number(/:(\d+): statement/.exec(control)?.[1] ?? 0);
      errors.push({ migration: m.id, file: m.up.file, line, message: control.slice(control.indexOf('statement ')) });
    }
    // Each migration is judged against the database before the first one (when known); later ones
    // see it less exactly, which only makes a judgement more cautious.
    const judged = await classifyStatements(
      statements.map((s) => s.sql),
      options.catalog,
    );
    for (const [i, statement] of statements.entries()) {
      const { hazards, error } = judged[i]!;
      if (error) {
        errors.push({ migration: m.id, file: m.up.file, line: statement.line, message: error });
        continue;
      }
      const { allowed, problems } = directives(statement.leading);
      for (const message of problems) errors.push({ migration: m.id, file: m.up.file, line: statement.line, message });
      for (const h of hazards) {
        const size = options.sizes ? sizeOf(options.sizes, h.table) : undefined;
        const small =
          size !== undefined &&
          options.smallTableRows !== undefined &&
          size.rows <= options.smallTableRows &&
          h.kind !== 'data-loss';
        findings.push({
          ...h,
          migration: m.id,
          file: m.up.file,
          line: statement.line,
          statement: statement.sql.split('\n')[0]!.slice(0, 120),
          acknowledged:
            allowed.get(h.kind) ??
            (small
              ? `${h.table} is small (about ${size!.rows.toLocaleString('en')} rows, at most ${options.smallTableRows!.toLocaleString('en')}): passes by the size threshold`
              : null),
          ...(size ? { tableRows: size.rows, tableBytes: size.totalBytes } : {}),
        });
      }
    }
  }
  return { ok: errors.length === 0 && findings.every((f) => f.acknowledged !== null), findings, errors };
}

/**
 * Lock and rewrite hazards on tables of at most this many rows pass when the lint knows the sizes
 * (lint --db): on such a table the lock lasts milliseconds. Data loss never passes by size.
 */
export const DEFAULT_SMALL_TABLE_ROWS = 10_000;

export interface LintOptions {
  /** The database the migrations run on, before them: types and enum values judged exactly. */
  catalog?: Catalog | undefined;
  /** Table sizes (lint --db): each hazard says how big its table is. */
  sizes?: readonly TableSize[] | undefined;
  /** Lock and rewrite hazards on tables of at most this many rows pass (data loss never does). */
  smallTableRows?: number | undefined;
}

function sizeOf(sizes: readonly TableSize[], table: string | undefined): TableSize | undefined {
  return table ? sizes.find((t) => `${t.schema}.${t.name}` === table) : undefined;
}

/** The `-- smartem-db:allow kind[, kind]: reason` lines above a statement. */
function directives(leading: string): { allowed: Map<HazardKind, string>; problems: string[] } {
  const allowed = new Map<HazardKind, string>();
  const problems: string[] = [];
  for (const raw of leading.split('\n')) {
    const line = raw.trim();
    if (!/^--\s*smartem-db:allow/.test(line)) continue;
    const m = DIRECTIVE.exec(line);
    const reason = m?.[2]?.trim();
    if (!m || !reason) {
      problems.push(`"${line}" needs a reason: -- smartem-db:allow <kind>: <why this is safe here>`);
      continue;
    }
    for (const kind of m[1]!.split(',').map((k) => k.trim())) {
      if (!KINDS.includes(kind as HazardKind))
        problems.push(`"${kind}" is not a hazard kind; use one of ${KINDS.join(', ')}`);
      else allowed.set(kind as HazardKind, reason);
    }
  }
  return { allowed, problems };
}
