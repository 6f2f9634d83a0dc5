// Benchmarks of smartem-db against its peers, each measured in the same run (npm run bench).
// Every line gives both medians and their ratio: below 1 means smartem-db is faster.
import { benchErd } from './erd.js';
import { benchGenerate } from './generate.js';
import { benchIntrospection } from './introspection.js';
import { benchLargeMigration } from './large-migration.js';
import { benchMigrateNoOp } from './migrate-noop.js';
import { benchOnline } from './online.js';
import { benchQueries } from './queries.js';
import { benchRemake } from './remake.js';
import { benchReplicaLag } from './replica-lag.js';
import { benchRoundTrips } from './round-trips.js';
import { benchSeed } from './seed.js';
import { SERVER } from './support.js';

const only = process.argv.slice(2);
const calls = Number(process.env.BENCH_CALLS ?? 300);
const want = (name: string) => only.length === 0 || only.includes(name);

console.log(
  `smartem-db benchmarks on ${new URL(SERVER).host}; ratio = smartem-db / peer (below 1: smartem-db is faster).`,
);
if (want('migrate')) await benchMigrateNoOp(calls);
if (want('introspect')) await benchIntrospection();
if (want('large')) await benchLargeMigration(Number(process.env.BENCH_COMMAND_CALLS ?? 5));
if (want('seed')) await benchSeed(Number(process.env.BENCH_COMMAND_CALLS ?? 3));
if (want('generate')) await benchGenerate(Number(process.env.BENCH_COMMAND_CALLS ?? 5));
if (want('online')) await benchOnline();
if (want('online') || want('replica')) await benchReplicaLag();
if (want('online') || want('remake')) await benchRemake();
if (want('erd')) await benchErd(Number(process.env.BENCH_COMMAND_CALLS ?? 5));
if (want('queries')) await benchQueries(Number(process.env.BENCH_COMMAND_CALLS ?? 5));
if (only.includes('round-trips')) await benchRoundTrips();
