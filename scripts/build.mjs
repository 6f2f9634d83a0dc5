#!/usr/bin/env node
// npm run build: compiles beside dist/ and swaps it in, so a CLI started during a build finds the
// whole of the last build, never half a folder (tsc takes seconds).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (dir) => join(root, dir);
rmSync(at('dist.next'), { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', 'dist.next'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
copyFileSync(at('schema/model-extras.sql'), at('dist.next/schema/model-extras.sql'));
// The CLI as one module (packages stay imports): Node then loads one file instead of about 150,
// which is most of a command's start. The library (dist/src/index.js) stays as tsc wrote it.
const { build } = await import('esbuild');
await build({
  entryPoints: [at('dist.next/src/cli/cli-entry.js')],
  outfile: at('dist.next/cli.js'),
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
// The build before last goes; the last one stays as dist.prev until the next build, for a CLI
// that started before this swap and loads a module later.
rmSync(at('dist.prev'), { recursive: true, force: true });
if (existsSync(at('dist'))) renameSync(at('dist'), at('dist.prev'));
renameSync(at('dist.next'), at('dist'));
