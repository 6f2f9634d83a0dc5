// The round-trip yardstick: a folder of schema pairs written by others (each pair a folder with
// a.sql and b.sql), each diffed both ways on real PostgreSQL; up must give the target and down
// the start again, and leave no index invalid, as generate's proof asks. Reports how many round-trip, how many are refused
// by name (UNSUPPORTED_CHANGE: loud, never silent) and which fail, and why.
//
//   ROUND_TRIP_PAIRS=/path/to/pairs npm run bench -- round-trips
//   ROUND_TRIP_ONLINE=1 ... in the online forms (as generate writes by default)
//
// The pairs stay outside the repository: they are someone else's, and a yardstick we wrote
// ourselves would measure what we already thought of. A role a pair names that the server lacks
// is made under a name of its own for the run (`name_<random>`), and dropped after it.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { catalogDifferences } from '../src/catalog/catalog-differences.js';
import { introspect } from '../src/catalog/introspect.js';
import { invalidIndexes } from '../src/catalog/invalid-indexes.js';
import { keyOf } from '../src/catalog/qualified-name.js';
import { openServerSession } from '../src/db/postgres-session.js';
import type { DbSession } from '../src/db/session.js';
import { noHints } from '../src/generate/hints.js';
import { diffInSteps } from '../src/generate/staged-diff.js';
import { SmartemDbError } from '../src/errors.js';
import { invertAll } from '../src/render/op-kinds.js';
import { renderScript } from '../src/render/render-script.js';
import { applyScript } from '../test/support/apply-script.js';
import { SERVER, withDatabase } from './support.js';

/** ROUND_TRIP_ONLINE=1: in the online forms, as generate writes by default. */
const ONLINE = process.env.ROUND_TRIP_ONLINE === '1';

type Outcome = { result: 'ok' } | { result: 'refused' | 'failed' | 'unloadable'; why: string };

export async function benchRoundTrips(folder = process.env.ROUND_TRIP_PAIRS): Promise<void> {
  if (!folder) {
    console.log('round-trips: set ROUND_TRIP_PAIRS to a folder of pairs (<name>/a.sql, <name>/b.sql) to measure.');
    return;
  }
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`round-trips: no folder at ${folder}`);
  const pairs = readdirSync(folder)
    .filter((name) => existsSync(join(folder, name, 'a.sql')) && existsSync(join(folder, name, 'b.sql')))
    .sort();
  if (pairs.length === 0) throw new Error(`round-trips: ${folder} holds no <name>/a.sql and <name>/b.sql`);

  const roles = new Roles();
  const tally = { ok: 0, refused: 0, failed: 0, unloadable: 0 };
  try {
    for (const name of pairs) {
      const [a, b] = ['a.sql', 'b.sql'].map((f) => readFileSync(join(folder, name, f), 'utf8'));
      for (const [label, from, to] of [
        [`${name} a→b`, a!, b!],
        [`${name} b→a`, b!, a!],
      ] as const) {
        const outcome = await roundTrip(await roles.rename(from), await roles.rename(to));
        tally[outcome.result]++;
        if (outcome.result !== 'ok') console.log(`  ${outcome.result.padEnd(10)} ${label}: ${outcome.why}`);
      }
    }
  } finally {
    await roles.drop();
  }
  const measured = tally.ok + tally.refused + tally.failed;
  const pct = (n: number) => `${((100 * n) / Math.max(1, measured)).toFixed(1)}%`;
  console.log(
    `round-trips: ${tally.ok} of ${measured} directions round-trip (${pct(tally.ok)}), ` +
      `${tally.refused} refused by name (${pct(tally.refused)}), ${tally.failed} failed (${pct(tally.failed)})` +
      (tally.unloadable ? `; ${tally.unloadable} left out: their SQL does not load on this server` : ''),
  );
}

async function roundTrip(fromSql: string, toSql: string): Promise<Outcome> {
  return withDatabase((fromUrl) =>
    withDatabase(async (toUrl) => {
      const [from, to] = await Promise.all([openServerSession(fromUrl), openServerSession(toUrl)]);
      try {
        const loaded = (await load(from, fromSql)) ?? (await load(to, toSql));
        if (loaded) return { result: 'unloadable', why: loaded };
        const [have, want] = await Promise.all([introspect(from), introspect(to)]);
        // Each side ends with exactly the invalid indexes it was written with (ON ONLY on purpose).
        const invalidOf = async (session: DbSession) => (await invalidIndexes(session)).map(keyOf).sort();
        const invalid = new Map([
          [have, await invalidOf(from)],
          [want, await invalidOf(to)],
        ]);
        let ops;
        try {
          // As generate diffs: the steps a catalog diff cannot see (a table joining a partitioned one) first.
          ops = await diffInSteps(async () => from, have, want, noHints(), {});
        } catch (error) {
          if (error instanceof SmartemDbError)
            return { result: 'refused', why: error.message.split('\n').slice(0, 3).join(' | ') };
          throw error;
        }
        if (ops.length === 0 && catalogDifferences(have, want).length)
          return { result: 'refused', why: `no ops, yet: ${catalogDifferences(have, want)[0]}` };
        const failed = async (label: string, script: ReturnType<typeof renderScript>, expected: typeof want) => {
          const failure = await applyScript(from, script);
          if (failure) return `${label} fails: ${firstLine(failure.message)} (at: ${failure.sql.slice(0, 120)})`;
          const wanted = new Set(invalid.get(expected));
          const left = [
            ...catalogDifferences(await introspect(from), expected),
            ...(await invalidOf(from)).filter((i) => !wanted.has(i)).map((i) => `index ${i} is INVALID`),
          ];
          return left.length ? `after ${label}: ${left[0]}${left.length > 1 ? ` (+${left.length - 1})` : ''}` : null;
        };
        const form = { online: ONLINE };
        const why =
          (await failed('up', renderScript(ops, form), want)) ??
          (await failed('down', renderScript(invertAll(ops), form), have));
        return why ? { result: 'failed', why } : { result: 'ok' };
      } finally {
        await Promise.all([from.close(), to.close()]);
      }
    }),
  );
}

async function load(session: DbSession, sql: string): Promise<string | null> {
  if (!sql.trim()) return null;
  return session.exec(sql).then(
    () => null,
    (error: Error) => firstLine(error.message),
  );
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .find((l) => l.trim())!
    .trim();

/** Roles the pairs name, made for the run under names of their own. */
class Roles {
  private readonly made = new Map<string, string>();
  private readonly admin = postgres(SERVER, { max: 1, onnotice: () => {} });

  async rename(sql: string): Promise<string> {
    // Every role after TO in a GRANT or a policy (`to a, b`), up to the next keyword.
    const named = [
      ...sql.matchAll(/\b(?:grant|policy)\b[^;]*?\bto\s+((?:"?[a-z_]\w*"?\s*,\s*)*"?[a-z_]\w*"?)/gi),
    ].flatMap((m) => m[1]!.split(',').map((r) => r.trim().replace(/"/g, '').toLowerCase()));
    for (const role of new Set(named)) {
      if (['public', 'postgres', 'current_user', 'session_user'].includes(role) || this.made.has(role)) continue;
      const [exists] = await this.admin`SELECT 1 FROM pg_roles WHERE rolname = ${role}`;
      if (exists) continue;
      const own = `${role}_${randomBytes(3).toString('hex')}`;
      await this.admin.unsafe(`CREATE ROLE "${own}"`);
      this.made.set(role, own);
    }
    let out = sql;
    for (const [role, own] of this.made) out = out.replace(new RegExp(`\\b${role}\\b`, 'g'), own);
    return out;
  }

  async drop(): Promise<void> {
    for (const own of this.made.values()) await this.admin.unsafe(`DROP ROLE IF EXISTS "${own}"`).catch(() => {});
    await this.admin.end();
  }
}
