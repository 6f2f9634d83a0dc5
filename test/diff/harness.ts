import { afterAll, describe, expect, it } from 'vitest';
import { introspect } from '../../src/catalog/introspect.js';
import { openServerSession } from '../../src/db/postgres-session.js';
import type { DbSession } from '../../src/db/session.js';
import { diffCatalogs } from '../../src/diff/diff-catalogs.js';
import { catalogDifferences } from '../../src/catalog/catalog-differences.js';
import { emptyCatalog } from '../../src/catalog/catalog.js';
import { invalidIndexes } from '../../src/catalog/invalid-indexes.js';
import { invertAll } from '../../src/render/op-kinds.js';
import type { HazardKind } from '../../src/hazards/hazard.js';
import { noHints } from '../../src/generate/hints.js';
import { diffInSteps } from '../../src/generate/staged-diff.js';
import { renderScript } from '../../src/render/render-script.js';
import { classifyScript } from '../../src/lint/classify-script.js';
import { applyScript } from '../support/apply-script.js';
import { createDatabase } from '../support/fresh-database.js';

/**
 * One acceptance case of the differ: the database `from` becomes `to`. The harness builds both
 * on real PostgreSQL, diffs their catalogs, applies the up script to `from` (in a transaction
 * unless the script says it cannot run in one, as the runner does) and checks the result equals `to`; then applies the down script and checks
 * it equals `from` again. `hazards` lists the hazard kinds the up script must carry, no more.
 */
export interface DiffCase {
  name: string;
  from: string;
  to: string;
  hazards?: HazardKind[];
  /** Text the up script must contain (to pin the SQL chosen, e.g. ADD VALUE rather than a swap). */
  upContains?: string[];
  /** `from` and `to` are the same schema written differently: the plan must be empty. */
  expectEmptyPlan?: boolean;
  /** Planning must refuse, with a message matching this. */
  expectPlanError?: RegExp;
  /** In online mode, the hazard kinds the up script must carry (an online form: none but data loss). */
  onlineHazards?: HazardKind[];
}

async function apply(
  session: DbSession,
  script: { statements: { sql: string }[]; transactional: boolean },
  label: string,
): Promise<void> {
  const failure = await applyScript(session, script);
  if (failure) throw new Error(`${label} failed at: ${failure.sql}\n${failure.message}`);
}

/**
 * Builds `from` and `to` on two new databases, diffs them, and checks that up gives `to` and down
 * gives `from` again (and that a second diff after up is empty). Returns the scripts.
 */
export async function checkRoundTrip(
  fromDdl: string,
  toDdl: string,
  options: { online?: boolean; expectEmptyPlan?: boolean; expectPlanError?: RegExp } = {},
) {
  const [sa, sb] = await scratchPair();
  try {
    if (fromDdl.trim()) await sa.exec(fromDdl);
    if (toDdl.trim()) await sb.exec(toDdl);
    const [from, to] = await Promise.all([introspect(sa), introspect(sb)]);
    // A schema may hold an index left invalid on purpose (ON ONLY, a partition's not attached):
    // each side must end with exactly the invalid indexes it was written with.
    const [invalidFrom, invalidTo] = await Promise.all([invalidIndexes(sa), invalidIndexes(sb)]);
    if (options.expectPlanError) {
      expect(() => diffCatalogs(from, to)).toThrow(options.expectPlanError);
      return undefined;
    }
    // As generate diffs: the steps a catalog diff cannot see (a table joining a partitioned one) first.
    const ops = await diffInSteps(async () => sa, from, to, noHints(), {});
    if (options.expectEmptyPlan) {
      expect(ops, 'the plan between two spellings of one schema').toEqual([]);
      expect(catalogDifferences(from, to)).toEqual([]);
      return undefined;
    }
    const up = await classifyScript(renderScript(ops, options), { catalog: from });
    const down = await classifyScript(renderScript(invertAll(ops), options), { catalog: to });

    await apply(sa, up, 'up');
    const afterUp = await introspect(sa);
    expect(catalogDifferences(afterUp, to), `after up:\n${up.sql}`).toEqual([]);
    // An index can be there and not work (a partitioned one made ON ONLY): none may be left so.
    expect(await invalidIndexes(sa), `invalid indexes after up:\n${up.sql}`).toEqual(invalidTo);
    expect(diffCatalogs(afterUp, to), 'a second diff after up is empty').toEqual([]);

    await apply(sa, down, 'down');
    const afterDown = await introspect(sa);
    expect(catalogDifferences(afterDown, from), `after down:\n${down.sql}`).toEqual([]);
    expect(await invalidIndexes(sa), `invalid indexes after down:\n${down.sql}`).toEqual(invalidFrom);
    return { up, down };
  } finally {
    await Promise.all([emptied(sa), emptied(sb)]);
  }
}

/**
 * Two databases for this test file, made once and emptied after each case: a CREATE DATABASE
 * per case copied the template through the WAL, and with two per case over hundreds of cases
 * that was most of the suite's time. Emptying is checked: a database that does not read as
 * empty afterwards fails the case that left it so.
 */
let pair: Promise<[DbSession, DbSession]> | undefined;
const databases: Awaited<ReturnType<typeof createDatabase>>[] = [];

function scratchPair(): Promise<[DbSession, DbSession]> {
  pair ??= (async () => {
    const made = await Promise.all([createDatabase(), createDatabase()]);
    databases.push(...made);
    const [a, b] = await Promise.all(made.map((d) => openServerSession(d.url)));
    return [a!, b!];
  })();
  return pair;
}

afterAll(async () => {
  if (!pair) return;
  const sessions = await pair;
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(databases.map((d) => d.drop()));
});

const EMPTY = `
DO $empty$
DECLARE r record; g record;
BEGIN
  FOR r IN SELECT evtname FROM pg_event_trigger LOOP
    EXECUTE format('DROP EVENT TRIGGER %I', r.evtname);
  END LOOP;
  -- Default privileges for all schemas are the database's: revoked from everyone, the defaults granted back.
  FOR r IN SELECT d.oid, quote_ident(pg_get_userbyid(d.defaclrole)) AS owner,
                  CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                                       WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END AS objects
             FROM pg_default_acl d WHERE d.defaclnamespace = 0 LOOP
    FOR g IN SELECT DISTINCT CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(e.grantee)) END AS who
               FROM pg_default_acl d, aclexplode(d.defaclacl) e WHERE d.oid = r.oid LOOP
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s REVOKE ALL ON %s FROM %s', r.owner, r.objects, g.who);
    END LOOP;
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT ALL ON %s TO %s', r.owner, r.objects, r.owner);
    IF r.objects IN ('FUNCTIONS', 'TYPES') THEN
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %s GRANT %s ON %s TO PUBLIC', r.owner,
                     CASE r.objects WHEN 'FUNCTIONS' THEN 'EXECUTE' ELSE 'USAGE' END, r.objects);
    END IF;
  END LOOP;
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION %I CASCADE', r.extname);
  END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
  END LOOP;
END
$empty$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema'`;

async function emptied(session: DbSession): Promise<void> {
  await session.exec('ROLLBACK').catch(() => {});
  await session.exec(EMPTY);
  const left = catalogDifferences(await introspect(session), { ...emptyCatalog(), schemas: ['public'] });
  if (left.length) throw new Error(`the case left objects the harness could not remove:\n${left.join('\n')}`);
}

export function runDiffCases(kind: string, cases: DiffCase[], options: { online?: boolean } = {}): void {
  describe(`diff: ${kind}${options.online ? ' (online)' : ''}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const result = await checkRoundTrip(c.from, c.to, {
        ...options,
        expectEmptyPlan: c.expectEmptyPlan,
        expectPlanError: c.expectPlanError,
      });
      if (!result) return;
      const { up } = result;
      // Online rewrites trade locks for steps; cases written for them say which hazards remain.
      if (options.online) {
        if (c.onlineHazards) {
          expect([...new Set(up.hazards.map((h) => h.kind))].sort(), `hazards of:\n${up.sql}`).toEqual(
            [...c.onlineHazards].sort(),
          );
        }
        for (const text of c.upContains ?? []) expect(up.sql).toContain(text);
        return;
      }
      expect([...new Set(up.hazards.map((h) => h.kind))].sort(), `hazards of:\n${up.sql}`).toEqual(
        [...new Set(c.hazards ?? [])].sort(),
      );
      for (const text of c.upContains ?? []) expect(up.sql).toContain(text);
    });
  });
}
