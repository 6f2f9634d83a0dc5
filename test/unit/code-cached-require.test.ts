import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeCacheFolder, requireCodeCached } from '../../src/drizzle-model/code-cached-require.js';
import { ROOT } from '../support/spawn.js';

const cacheDir = codeCacheFolder();
const cacheFiles = () => {
  try {
    return new Set(readdirSync(cacheDir));
  } catch {
    return new Set<string>();
  }
};

/** A CommonJS package of its own (a random folder), requiring a file beside it, as drizzle-kit's API requires its packages. */
function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  writeFileSync(join(dir, 'helper.cjs'), 'module.exports = { twice: (n) => n * 2 };\n');
  writeFileSync(
    join(dir, 'big.cjs'),
    `const { twice } = require('./helper.cjs');\nexports.answer = twice(21);\nexports.file = __filename;\nexports.self = () => module.exports;\n${'exports.f = function () { return 1; };\n'.repeat(200)}`,
  );
  return { dir, from: pathToFileURL(join(dir, 'index.js')).href, file: join(dir, 'big.cjs') };
}

describe('requireCodeCached', () => {
  it("loads a CommonJS file as require does, writes V8's code cache, and in the next process takes it, or rejects a damaged one and writes it anew", () => {
    const { from, file } = fixture();
    const before = cacheFiles();
    const first = requireCodeCached('./big.cjs', from) as { answer: number; file: string; self: () => unknown };
    expect([first.answer, first.file]).toEqual([42, file]);
    expect(first.self()).toBe(first);
    // Registered as require registers it: the same module again, from either.
    expect(createRequire(from)('./big.cjs')).toBe(first);
    expect(requireCodeCached('./big.cjs', from)).toBe(first);
    const written = [...cacheFiles()].filter((f) => !before.has(f));
    expect(written).toHaveLength(1);
    const cache = join(cacheDir, written[0]!);
    expect(statSync(cache).size).toBeGreaterThan(0);

    // V8 compiles a source once per process, so the cache is read by the next process: a
    // damaged one is rejected there, the file still loads, and the cache is written anew.
    writeFileSync(cache, Buffer.from('not a code cache'));
    const next = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { requireCodeCached } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/drizzle-model/code-cached-require.ts')).href)});
         console.log(requireCodeCached('./big.cjs', ${JSON.stringify(from)}).answer);`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(next.stdout.trim(), next.stderr).toBe('42');
    expect(readFileSync(cache).toString()).not.toBe('not a code cache');
    expect(statSync(cache).size).toBeGreaterThan(100);
    rmSync(cache);
    rmSync(dirname(file), { recursive: true });
  });

  it('keeps only the newest few caches in its folder', () => {
    const { from, file } = fixture();
    mkdirSync(cacheDir, { recursive: true });
    // Six old caches (of other installs, long ago), then one written now.
    const old = Array.from({ length: 6 }, (_, i) => join(cacheDir, `old-${randomBytes(6).toString('hex')}-${i}.bin`));
    for (const [i, path] of old.entries()) {
      writeFileSync(path, 'old');
      utimesSync(path, new Date(2000, 0, 1 + i), new Date(2000, 0, 1 + i));
    }
    const before = cacheFiles();
    expect((requireCodeCached('./big.cjs', from) as { answer: number }).answer).toBe(42);
    const written = [...cacheFiles()].filter((f) => !before.has(f));
    expect(written).toHaveLength(1);
    // At most four are kept, newest first: of seven, at least three of the old ones went.
    expect(old.filter((path) => existsSync(path)).length).toBeLessThanOrEqual(3);
    expect(existsSync(old[0]!)).toBe(false);
    for (const path of [...old, join(cacheDir, written[0]!)]) rmSync(path, { force: true });
    rmSync(dirname(file), { recursive: true });
  });

  it('throws what the file throws, and leaves nothing registered', () => {
    const { dir, from } = fixture();
    writeFileSync(join(dir, 'bad.cjs'), "throw new Error('bad.cjs fails');\n");
    expect(() => requireCodeCached('./bad.cjs', from)).toThrow('bad.cjs fails');
    expect(createRequire(from).cache[join(dir, 'bad.cjs')]).toBeUndefined();
  });
});
