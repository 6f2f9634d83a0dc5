// db:generate on the SmartEM model against drizzle-kit generate, as whole commands from an empty
// migrations folder (the baseline) and from a folder already at the model (nothing to write).
// smartem-db does more: it replays the folder and the model on scratch databases and proves the
// migration both ways; drizzle-kit compares JSON snapshots and writes only an up migration.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, runCommand, SERVER } from './support.js';

const ROOT = join(import.meta.dirname, '..');

export async function benchGenerate(calls: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'generate-bench-'));
  const schema = join(ROOT, 'schema/index.ts');
  const cli = join(ROOT, 'dist/src/cli/main.js');
  const kit = join(ROOT, 'node_modules/drizzle-kit/bin.cjs');
  const env = { ...process.env, DATABASE_URL: SERVER };
  let n = 0;
  const fresh = () => {
    const dir = join(work, String(n++));
    mkdirSync(join(dir, 'ours'), { recursive: true });
    writeFileSync(
      join(dir, 'drizzle.config.mjs'),
      `export default { dialect: 'postgresql', schema: ${JSON.stringify(schema)}, out: ${JSON.stringify(join(dir, 'theirs'))} };\n`,
    );
    return dir;
  };
  // The compiled CLI imports schema/index.ts through tsx's loader; drizzle-kit bundles it with esbuild.
  const ours = (dir: string, name: string, extra: string[] = [], environment: NodeJS.ProcessEnv = env) =>
    runCommand(
      process.execPath,
      [
        cli,
        'generate',
        '-m',
        name,
        '--migrations',
        join(dir, 'ours'),
        '--schema',
        schema,
        '--quiet',
        '--no-prompt',
        ...extra,
      ],
      { env: environment, cwd: dir },
    );
  // No server anywhere: scratch databases are in-memory PGlite.
  const withoutServer = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|SHADOW_DATABASE_URL|POSTGRES_|PG)/.test(k)),
  );
  const theirs = (dir: string, name: string) =>
    runCommand(process.execPath, [kit, 'generate', `--config=${join(dir, 'drizzle.config.mjs')}`, `--name=${name}`], {
      env,
    });
  try {
    await compare(
      'generate the SmartEM baseline vs drizzle-kit generate',
      async () => ours(fresh(), 'baseline'),
      async () => theirs(fresh(), 'baseline'),
      calls,
      1,
    );
    const atHead = fresh();
    ours(atHead, 'baseline');
    theirs(atHead, 'baseline');
    await compare(
      'generate with nothing to do vs drizzle-kit generate',
      async () => ours(atHead, 'nothing'),
      async () => theirs(atHead, 'nothing'),
      calls,
      1,
    );
    await compare(
      'generate with nothing to do, --no-cache, vs drizzle-kit',
      async () => ours(atHead, 'nothing', ['--no-cache']),
      async () => theirs(atHead, 'nothing'),
      calls,
      1,
    );
    await compare(
      'no server (PGlite), nothing to do, vs drizzle-kit',
      async () => ours(atHead, 'nothing', [], withoutServer),
      async () => theirs(atHead, 'nothing'),
      calls,
      1,
    );
    await compare(
      'no server (PGlite), nothing to do, --no-cache, vs drizzle-kit',
      async () => ours(atHead, 'nothing', ['--no-cache'], withoutServer),
      async () => theirs(atHead, 'nothing'),
      Math.min(calls, 3),
      0,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
