import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder of the installed smartem-db package (where its package.json is), whether this code
 * runs from src/ (tsx, tests) or from dist/ (the packed package in an application's node_modules).
 */
function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'smartem-db')
      return (root = dir);
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`smartem-db cannot find its own package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * The SmartEM migrations that ship with the package: the default migrations folder, so an
 * application that depends on smartem-db migrates its database with `migrate({ url })` alone.
 *
 * @example import { bundledMigrationsFolder } from 'smartem-db'; await migrate({ url, migrationsFolder: bundledMigrationsFolder() });
 */
export function bundledMigrationsFolder(): string {
  return join(packageRoot(), 'drizzle');
}

/**
 * The SmartEM Drizzle model that ships with the package: its TypeScript source in a checkout of
 * smartem-db, its compiled module in an installed package. The default model for generate, diff and
 * check when neither --schema nor a --config names one.
 */
export function bundledSchemaModule(): string {
  const source = join(packageRoot(), 'schema', 'index.ts');
  return existsSync(source) ? source : join(packageRoot(), 'dist', 'schema', 'index.js');
}

/** The installed smartem-db's version (its package.json). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The seed modules that ship with smartem-db (reference data): their source in a checkout, compiled in a package. */
export function bundledSeedsFolder(): string {
  const source = join(packageRoot(), 'seed');
  return existsSync(join(source, 'reference-data.ts')) ? source : join(packageRoot(), 'dist', 'seed');
}

/**
 * A fingerprint of smartem-db's own code (each module's path, size and time of change): a cache
 * of its answers must not outlive a change to the code that gave them, version or not.
 */
export function codeFingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a folder the installed package lacks (dist/ without src/, say) adds nothing to the fingerprint
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js)$/.test(entry.name)) {
        const stat = statSync(path);
        hash.update(`${path} ${stat.size} ${stat.mtimeMs}\n`);
      }
    }
  };
  walk(join(packageRoot(), 'src'));
  walk(join(packageRoot(), 'dist', 'src'));
  return hash.digest('hex').slice(0, 16);
}
