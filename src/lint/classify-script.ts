import type { Catalog } from '../catalog/catalog.js';
import { importOptional } from '../optional-dependency.js';
import type { Hazard } from '../hazards/hazard.js';
import type { Op } from '../ops/op.js';
import { LABEL, type RenderedScript } from '../render/render-script.js';
import { newContext, notePlanned, relationKey, type MigrationContext, type StatementHazard } from './hazard-context.js';
import { statementHazards } from './statement-hazards.js';

type Parsed = { stmts?: { stmt: Record<string, unknown> }[] };

/**
 * The hazards of a migration's statements, each judged with what the statements before it did
 * (tables it created, checks that prove NOT NULL) and, when given, the catalog it starts from. The
 * one classifier: the lint runs it on migration files, generate and diff on the SQL they render.
 * A statement PostgreSQL's parser rejects gets `error` instead.
 */
export async function classifyStatements(
  statements: readonly string[],
  catalog?: Catalog,
): Promise<{ hazards: StatementHazard[]; error?: string }[]> {
  // Imported here, not at the top: the CLI is one bundled module, and a static import of this
  // optional package would make every command, upgrade included, need it.
  const { loadModule, parseSync } = await importOptional(
    () => import('libpg-query'),
    ['libpg-query'],
    "Judging SQL with PostgreSQL's parser (lint, generate, diff, adopt)",
  );
  await loadModule();
  const ctx: MigrationContext = newContext(catalog);
  const parsed: (Parsed | string)[] = statements.map((sql) => {
    try {
      return parseSync(sql) as Parsed;
    } catch (error) {
      return `PostgreSQL's parser rejects this statement: ${(error as Error).message}`;
    }
  });
  for (const p of parsed) if (typeof p !== 'string') for (const { stmt } of p.stmts ?? []) notePlanned(stmt, ctx);
  return parsed.map((p) => {
    if (typeof p === 'string') return { hazards: [], error: p };
    const hazards: StatementHazard[] = [];
    for (const { stmt } of p.stmts ?? []) {
      hazards.push(...statementHazards(stmt, ctx));
      noteFresh(stmt, ctx);
    }
    return { hazards };
  });
}

/** A table or materialized view the migration creates: nothing uses it yet, so locks on it do not matter. */
function noteFresh(stmt: Record<string, unknown>, ctx: MigrationContext): void {
  const create = (stmt as { CreateStmt?: { relation?: Record<string, unknown> } }).CreateStmt;
  if (create) ctx.fresh.add(relationKey(create.relation));
  const createAs = (stmt as { CreateTableAsStmt?: { into?: { rel?: Record<string, unknown> } } }).CreateTableAsStmt;
  if (createAs?.into?.rel) ctx.fresh.add(relationKey(createAs.into.rel));
}

interface ClassifyOptions {
  /** The database the script starts from (what types are now, which columns are generated). */
  catalog?: Catalog | undefined;
  /** The reason a hazard was acknowledged when generating, written as a lint directive; null if it was not. */
  acknowledge?: ((op: Op, hazard: Hazard) => string | null) | undefined;
}

/**
 * A rendered script with its hazards, judged by the lint's classifier, written above each statement
 * (`-- DATA LOSS: drops column ...`), with the lint's acknowledgement where generate was told to.
 */
export async function classifyScript(script: RenderedScript, options: ClassifyOptions = {}): Promise<RenderedScript> {
  const judged = await classifyStatements(
    script.statements.map((s) => s.sql),
    options.catalog,
  );
  const entries = script.entries.map((entry, i) => ({
    op: entry.op,
    statement: { ...entry.statement, hazards: judged[i]!.hazards.map((h) => ({ kind: h.kind, message: h.message })) },
  }));
  const sql = entries
    .map(({ op, statement }) => {
      const directives = statement.hazards.flatMap((h) => {
        const reason = options.acknowledge?.(op, h);
        return reason ? [`-- smartem-db:allow ${h.kind}: ${reason}`] : [];
      });
      return [
        ...statement.hazards.map((h) => `-- ${LABEL[h.kind]}: ${h.message}`),
        ...directives,
        `${statement.sql};`,
      ].join('\n');
    })
    .join('\n');
  const statements = entries.map((e) => e.statement);
  return { ...script, entries, statements, sql: sql ? `${sql}\n` : '', hazards: statements.flatMap((s) => s.hazards) };
}
