import { loadModule, parseSync } from 'libpg-query';
import type { HazardKind } from '../hazards/hazard.js';
import type { Migration } from '../migrations/migration-folder.js';
import { splitStatements } from '../sql/sql-split.js';
import { transactionControlProblem } from '../migrations/script-statements.js';
import { newContext, relationKey, statementHazards, type StatementHazard } from './statement-hazards.js';

/** One hazard found in a migration, and whether a directive acknowledges it. */
export interface LintFinding extends StatementHazard {
  migration: string;
  file: string;
  line: number;
  statement: string;
  /** The reason given by the directive that acknowledges it, or null (then the lint fails). */
  acknowledged: string | null;
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
export async function lintMigrations(migrations: readonly Migration[]): Promise<LintReport> {
  await loadModule();
  const findings: LintFinding[] = [];
  const errors: LintReport['errors'] = [];
  for (const m of migrations) {
    const ctx = newContext();
    const statements = splitStatements(m.up.text);
    const control = transactionControlProblem(m.up, statements);
    if (control) {
      const line = Number(/:(\d+): statement/.exec(control)?.[1] ?? 0);
      errors.push({ migration: m.id, file: m.up.file, line, message: control.slice(control.indexOf('statement ')) });
    }
    for (const statement of statements) {
      let parsed: { stmts?: { stmt: Record<string, unknown> }[] };
      try {
        parsed = parseSync(statement.sql);
      } catch (error) {
        errors.push({
          migration: m.id,
          file: m.up.file,
          line: statement.line,
          message: `PostgreSQL's parser rejects this statement: ${(error as Error).message}`,
        });
        continue;
      }
      const { allowed, problems } = directives(statement.leading);
      for (const message of problems) errors.push({ migration: m.id, file: m.up.file, line: statement.line, message });
      for (const { stmt } of parsed.stmts ?? []) {
        for (const h of statementHazards(stmt, ctx)) {
          findings.push({
            ...h,
            migration: m.id,
            file: m.up.file,
            line: statement.line,
            statement: statement.sql.split('\n')[0]!.slice(0, 120),
            acknowledged: allowed.get(h.kind) ?? null,
          });
        }
        const create = (stmt as { CreateStmt?: { relation?: Record<string, unknown> } }).CreateStmt;
        if (create) ctx.fresh.add(relationKey(create.relation));
      }
    }
  }
  return { ok: errors.length === 0 && findings.every((f) => f.acknowledged !== null), findings, errors };
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
