// The developer tools' verbs (generate, diff, check, verify, lint): loaded on first use from
// developer-tools.ts, so migrate() at application startup never pays for them.
import { DEVELOPER_TOOLS, importOptional } from './optional-dependency.js';
import type {
  CheckOptions,
  DiffOptions,
  DiffResult,
  ErdOptions,
  ErdResult,
  GenerateOptions,
  LintOptions,
  VerifyOptions,
} from './options.js';
import type { LintReport } from './lint/lint-migrations.js';
import type { CheckReport } from './check/check.js';
import type { VerifyReport } from './check/verify.js';
import type { GenerateResult } from './generate/generate.js';

/**
 * Writes the next migration (up.sql and down.sql) from the difference between the migrations
 * folder and the Drizzle model, proved on a scratch database before it is written. Returns
 * `id: null` and writes nothing when there is no difference. (Loaded on first use: migrate()
 * at application startup never pays for drizzle-kit.)
 *
 * @example const { id, hazards } = await generate({ name: 'add gridsquare registered status' });
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  return (await developerTools('generate')).generate(options);
}

/**
 * The SQL that turns one state into another, printed rather than written: any pair of the
 * migrations folder, the Drizzle model and live databases.
 *
 * @example console.log((await diff({ from: 'migrations', to: process.env.DATABASE_URL! })).sql);
 */
export async function diff(options: DiffOptions): Promise<DiffResult> {
  return (await developerTools('diff')).diff(options);
}

/**
 * A diagram of a schema (`migrations`, `schema` or a database URL): tables with their columns and
 * keys, foreign keys as edges, a hierarchy top to bottom. With `to`, a picture of what changes from
 * `from` to `to`, each added, removed or changed table and column marked in colour and in words.
 * SVG (Graphviz in WebAssembly), Mermaid (text GitHub renders) or DOT; the same input, the same bytes.
 *
 * @example writeFileSync('schema.svg', (await erd({ from: 'schema' })).text);
 */
export async function erd(options: ErdOptions = {}): Promise<ErdResult> {
  return (await developerTools('erd')).erd(options);
}

/**
 * CI's drift check, two questions: (1) do the migrations produce the Drizzle model (else "run
 * npm run db:generate")? (2) for a live database (`db`, or the configured server): are its
 * migrations pending, unknown, failed or edited, and has its catalog drifted from what they
 * produce? Each difference names the object, what it is and what it should be.
 *
 * @example const report = await check({ db: process.env.DATABASE_URL }); if (!report.model.ok) process.exit(6);
 */
export async function check(options: CheckOptions = {}): Promise<CheckReport> {
  return (await developerTools('check')).check(options);
}

/**
 * The migration tests pytest-alembic users write, built in: one linear history, a matching
 * manifest, a down for every migration, and the stairway round trip on a scratch database.
 *
 * @example const report = await verify(); if (!report.ok) console.log(report.problems, report.stairway);
 */
export async function verify(options: VerifyOptions = {}): Promise<VerifyReport> {
  return (await developerTools('verify')).verify(options);
}

/**
 * The hazard lint: every statement of the migrations not yet applied (to `db`, or the configured
 * server; all with `all`) is parsed with PostgreSQL's parser and classified: data loss, table
 * rewrite, blocking lock, breaking rename. Each hazard fails unless a
 * `-- smartem-db:allow <kind>: <reason>` comment above its statement acknowledges it.
 *
 * @example const { ok, findings } = await lint({ all: true });
 */
export async function lint(options: LintOptions = {}): Promise<LintReport> {
  return (await developerTools('lint')).lint(options);
}

/** The developer tools, loaded on first use: migrate() at application startup never pays for them. */
function developerTools(verb: string) {
  return importOptional(() => import('./developer-tools.js'), DEVELOPER_TOOLS, `smartem-db ${verb}`);
}
