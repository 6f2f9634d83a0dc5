// The load of bench/online.ts, in a process of its own (as the application's replicas are): writer
// connections that insert new micrographs and update existing ones, one statement per transaction.
// Prints "ready" once writing; on a line "stop" on stdin it stops and prints, as JSON, each
// write's start (epoch ms) and how long it took.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import postgres from 'postgres';

const [url, count] = process.argv.slice(2) as [string, string];
const writers = Number(count);

const probe = postgres(url, { max: 1, onnotice: () => {} });
const foilholes = (await probe<{ uuid: string }[]>`select uuid from foilhole limit 1000`).map((r) => r.uuid);
const micrographs = (
  await probe<{ uuid: string }[]>`select uuid from micrograph tablesample system (1) limit 5000`
).map((r) => r.uuid);
await probe.end();

let running = true;
const starts: number[] = [];
const latencies: number[] = [];
const errors: string[] = [];
const clients = Array.from({ length: writers }, () => postgres(url, { max: 1, onnotice: () => {} }));
const loops = clients.map(async (sql, w) => {
  for (let i = 0; running; i++) {
    const startedAt = Date.now();
    const started = performance.now();
    try {
      if (i % 2 === 0) {
        const fh = foilholes[(i * 7 + w) % foilholes.length]!;
        await sql`insert into micrograph (uuid, micrograph_id, foilhole_uuid, foilhole_id, status, defocus, updated_at)
                  values (${randomUUID()}, ${randomUUID()}, ${fh}, ${fh}, 'NONE', -1.5, now())`;
      } else {
        const m = micrographs[(i * 13 + w) % micrographs.length]!;
        await sql`update micrograph set status = 'MOTION_CORRECTION_STARTED', updated_at = now() where uuid = ${m}`;
      }
    } catch (error) {
      errors.push((error as Error).message);
    }
    starts.push(startedAt);
    latencies.push(performance.now() - started);
  }
});
console.log('ready');

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stop') continue;
  running = false;
  await Promise.all(loops);
  await Promise.all(clients.map((c) => c.end()));
  console.log(JSON.stringify({ starts, latencies, errors: errors.slice(0, 5), failed: errors.length }));
  break;
}
