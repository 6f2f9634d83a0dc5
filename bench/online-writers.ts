// The load of bench/online.ts, in a process of its own (as the application's replicas are): writer
// connections that insert new micrographs and update existing ones, one statement per transaction.
// Prints "ready" once writing; on a line "stop" on stdin it stops and prints, as JSON, each
// write's start (epoch ms) and how long it took. A third argument names, per writer, the column
// its version of the application writes (`defocus,defocus,defocus_nm,defocus_nm`): a writer whose
// column is not there yet (the new version, before the expand adds it) starts once it is.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import postgres from 'postgres';

const [url, count, columnList] = process.argv.slice(2) as [string, string, string | undefined];
const writers = Number(count);
const columns = columnList?.split(',');

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
/** Waits until the writer's column exists (the new version of the application starts after its expand). */
async function columnReady(sql: postgres.Sql, column: string): Promise<void> {
  while (running) {
    const [found] =
      await sql`select 1 from pg_attribute where attrelid = 'micrograph'::regclass and attname = ${column} and not attisdropped`;
    if (found) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const loops = clients.map(async (sql, w) => {
  const column = columns?.[w];
  if (column) await columnReady(sql, column);
  for (let i = 0; running; i++) {
    const startedAt = Date.now();
    const started = performance.now();
    try {
      if (column && i % 2 === 0) {
        const fh = foilholes[(i * 7 + w) % foilholes.length]!;
        await sql`insert into micrograph (uuid, micrograph_id, foilhole_uuid, foilhole_id, status, ${sql(column)}, updated_at)
                  values (${randomUUID()}, ${randomUUID()}, ${fh}, ${fh}, 'NONE', ${4096 + w}, now())`;
      } else if (column) {
        const m = micrographs[(i * 13 + w) % micrographs.length]!;
        await sql`update micrograph set ${sql(column)} = ${i % 5000}, updated_at = now() where uuid = ${m}`;
      } else if (i % 2 === 0) {
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
