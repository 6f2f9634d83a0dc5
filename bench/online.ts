// Schema changes under load: each model edit to the micrograph table, generated in its online form
// (the default) and in its plain form (--plain), applied by migrate() to a copy of a database of
// two million micrographs while writer connections insert and update micrographs as an acquisition
// session does. What counts is how long a write waits: the online form's longest write, against
// the plain form's, in the same run. Set BENCH_ONLINE_SCALE (grids of 48,000 micrographs) to change the size,
// BENCH_ONLINE_EDITS to run only the edits whose name contains it.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { generate, migrate, seed } from '../src/api.js';
import { SERVER, withDatabase } from './support.js';

const ROOT = join(import.meta.dirname, '..');
const WRITERS = 4;

interface Edit {
  name: string;
  /** The edit to schema/core.ts's micrograph table. */
  apply: (core: string) => string;
  /**
   * Written as expand and contract: the column each writer's version of the application writes
   * during the expand (old, old, new, new), the columns after the contract, and what generate is told.
   */
  expandContract?: {
    during: string[];
    after: string;
    renames?: string[];
    allowDataLoss?: boolean;
    /** The plain form breaks the old version's writes (a rename): no plain run to compare with. */
    noPlain?: boolean;
  };
}

const EXTRAS = "index('ix_micrograph_updated_at').on(t.updatedAt)";

/** `from` replaced by `to` in the micrograph table's definition (other tables have columns of the same name). */
function inMicrograph(core: string, from: string, to: string): string {
  const at = core.indexOf('export const micrograph = pgTable(');
  return core.slice(0, at) + core.slice(at).replace(from, to);
}

const EDITS: Edit[] = [
  {
    name: 'add an index',
    apply: (s) => s.replace(EXTRAS, `${EXTRAS}, index('ix_micrograph_defocus').on(t.defocus)`),
  },
  {
    name: 'add a unique constraint',
    apply: (s) =>
      s.replace(EXTRAS, `${EXTRAS}, unique('uq_micrograph_foilhole_micrograph').on(t.foilholeUuid, t.micrographId)`),
  },
  {
    name: 'add a check constraint',
    apply: (s) =>
      s.replace(EXTRAS, `${EXTRAS}, check('ck_micrograph_image_size', sql\`coalesce(image_size_x, 1) > 0\`)`),
  },
  {
    name: 'make a column NOT NULL',
    apply: (s) =>
      s.replace("foilholeUuid: varchar('foilhole_uuid'),", "foilholeUuid: varchar('foilhole_uuid').notNull(),"),
  },
  {
    name: 'rename a column (expand and contract)',
    apply: (s) => inMicrograph(s, "defocus: doublePrecision('defocus'),", "defocusNm: doublePrecision('defocus_nm'),"),
    expandContract: {
      during: ['defocus', 'defocus', 'defocus_nm', 'defocus_nm'],
      after: 'defocus_nm',
      renames: ['micrograph.defocus=defocus_nm'],
      noPlain: true,
    },
  },
  {
    name: 'integer to bigint (expand and contract)',
    apply: (s) =>
      s.replace("imageSizeX: integer('image_size_x'),", "imageSizeX: bigint('image_size_x', { mode: 'number' }),"),
    expandContract: {
      during: ['image_size_x', 'image_size_x', 'image_size_x', 'image_size_x'],
      after: 'image_size_x',
      allowDataLoss: true,
    },
  },
  {
    name: 'add a NOT NULL column with a random default',
    apply: (s) =>
      s.replace(
        "updatedAt: timestamp('updated_at'),\n  },",
        "updatedAt: timestamp('updated_at'),\n    token: uuid('token').notNull().defaultRandom(),\n  },",
      ),
  },
];

const IMPORTS =
  "import { sql } from 'drizzle-orm';\nimport { bigint, check, unique, uuid } from 'drizzle-orm/pg-core';\n";

/** A project holding a copy of the SmartEM model with one edit, and the repository's migrations. */
function projectWith(edit: Edit): string {
  const dir = mkdtempSync(join(tmpdir(), 'smartem-bench-online-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  cpSync(join(ROOT, 'schema'), join(dir, 'schema'), { recursive: true });
  cpSync(join(ROOT, 'drizzle'), join(dir, 'drizzle'), { recursive: true });
  const core = join(dir, 'schema/core.ts');
  const before = readFileSync(core, 'utf8');
  const after = IMPORTS + edit.apply(before);
  if (after === IMPORTS + before) throw new Error(`the edit "${edit.name}" no longer applies to schema/core.ts`);
  writeFileSync(core, after);
  return dir;
}

interface Writes {
  starts: number[];
  latencies: number[];
  errors: string[];
  failed: number;
}

/** The writers, in a process of their own: a pause in this process (loading a module, a collection) is not theirs. */
async function startWriters(url: string, columns?: string[]): Promise<{ stop: () => Promise<Writes> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'online-writers.ts'),
      url,
      String(WRITERS),
      ...(columns ? [columns.join(',')] : []),
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the writers exited (${code}) before they were ready`)));
    const poll = setInterval(() => {
      if (out.startsWith('ready\n')) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
  return {
    stop: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.stdin.end('stop\n');
      await exited;
      const writes = JSON.parse(out.slice('ready\n'.length)) as Writes;
      if (writes.failed > 0) throw new Error(`${writes.failed} writes failed, the first: ${writes.errors[0]}`);
      return writes;
    },
  };
}

interface Outcome {
  migrateMs: number;
  /** Writes in flight while the migration ran. */
  writes: number;
  p99: number;
  max: number;
  /** When the longest write started, in ms after the migration did. */
  worstAt: number;
  /** The longest write in the half second before the migration started: the machine's own noise. */
  quietMax: number;
}

/**
 * Applies the project's migrations to a copy of the template while the writers run, and measures
 * their writes; with expand and contract, the expand under the old and the new version's writers,
 * then the contract under the new version's only.
 */
async function underLoad(template: string, project: string, edit: Edit): Promise<Outcome[]> {
  const name = `smartem_bench_online_${randomUUID().slice(0, 8)}`;
  const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const migrationsFolder = join(project, 'drizzle');
  try {
    const phases = edit.expandContract;
    if (!phases)
      return [await measured(url.toString(), undefined, () => migrate({ url: url.toString(), migrationsFolder }))];
    return [
      await measured(url.toString(), phases.during, () => migrate({ url: url.toString(), migrationsFolder })),
      await measured(
        url.toString(),
        phases.during.map(() => phases.after),
        () => migrate({ url: url.toString(), migrationsFolder, contract: true }),
      ),
    ];
  } finally {
    await admin.unsafe(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

/** The writers' writes while `run` runs (and in the half second before: the machine's noise). */
async function measured(url: string, columns: string[] | undefined, run: () => Promise<unknown>): Promise<Outcome> {
  const load = await startWriters(url, columns);
  await new Promise((r) => setTimeout(r, 1000));
  const from = Date.now();
  await run();
  const to = Date.now();
  await new Promise((r) => setTimeout(r, 300));
  const writes = await load.stop();
  // The writes in flight at any moment of the migration, and those before it (the machine's noise).
  const during = writes.latencies.filter((ms, i) => writes.starts[i]! + ms >= from && writes.starts[i]! <= to);
  const quiet = writes.latencies.filter((ms, i) => writes.starts[i]! >= from - 500 && writes.starts[i]! + ms < from);
  const sorted = [...during].sort((a, b) => a - b);
  const worst = writes.latencies.indexOf(sorted.at(-1) ?? -1);
  return {
    worstAt: worst >= 0 ? writes.starts[worst]! - from : 0,
    migrateMs: to - from,
    writes: sorted.length,
    p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    max: sorted.at(-1) ?? 0,
    quietMax: Math.max(0, ...quiet),
  };
}

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : n.toFixed(0)} ms`;

export async function benchOnline(): Promise<void> {
  // --scale 42: about two million micrographs (48,000 per grid of a typical session).
  const scale = Number(process.env.BENCH_ONLINE_SCALE ?? 42);
  await withDatabase(async (templateUrl) => {
    const template = new URL(templateUrl).pathname.slice(1);
    const migrationsFolder = join(ROOT, 'drizzle');
    await migrate({ url: templateUrl, migrationsFolder });
    const seeded = await seed({
      url: templateUrl,
      migrationsFolder,
      seeds: join(ROOT, 'seed'),
      demo: { scale },
    });
    const close = postgres(templateUrl, { max: 1, onnotice: () => {} });
    await close`vacuum analyze micrograph`;
    await close.end();
    console.log(
      `online schema changes on ${seeded.demo!.rows.micrograph!.toLocaleString('en')} micrographs, ${WRITERS} writers inserting and updating micrographs throughout:`,
    );
    const only = process.env.BENCH_ONLINE_EDITS;
    for (const edit of EDITS.filter((e) => !only || e.name.includes(only))) {
      const result: Partial<Record<'online' | 'plain', Outcome[]>> = {};
      const modes = edit.expandContract?.noPlain ? (['online'] as const) : (['online', 'plain'] as const);
      for (const mode of modes) {
        const project = projectWith(edit);
        try {
          await generate({
            cwd: project,
            url: templateUrl,
            migrationsFolder: join(project, 'drizzle'),
            schema: join(project, 'schema/index.ts'),
            name: `${edit.name} ${mode}`,
            ...(mode === 'plain' ? { plain: 'benchmark' } : {}),
            ...(mode === 'online' && edit.expandContract
              ? {
                  expandContract: true,
                  renames: edit.expandContract.renames,
                  allowDataLoss: edit.expandContract.allowDataLoss,
                }
              : {}),
            ...(mode === 'plain' ? { allowDataLoss: edit.expandContract?.allowDataLoss } : {}),
          });
          result[mode] = await underLoad(
            template,
            project,
            mode === 'plain' ? { ...edit, expandContract: undefined } : edit,
          );
        } finally {
          rmSync(project, { recursive: true, force: true });
        }
      }
      const [online, contract] = result.online!;
      const plain = result.plain?.[0];
      const described = (o: Outcome) =>
        `migrate ${ms(o.migrateMs)}, longest write ${ms(o.max)} at +${o.worstAt} ms (p99 ${ms(o.p99)}, ${o.writes} writes; before it ${ms(o.quietMax)})`;
      console.log(
        `${edit.name.padEnd(44)} ${contract ? 'expand' : 'online'}: ${described(online!)}   ` +
          (contract ? `contract: ${described(contract)}   ` : '') +
          (plain
            ? `plain: ${described(plain)}   longest-write ratio ${(Math.max(online!.max, contract?.max ?? 0) / plain.max).toFixed(3)}`
            : 'plain: none to compare (a plain rename fails the old version of the application)'),
      );
    }
  });
}
