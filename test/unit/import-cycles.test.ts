import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/spawn.js';

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** The files a file imports statically (type imports too: a cycle of types is a cycle of concepts). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\sfrom\s+'(\.[^']+)';/gms)].map((m) =>
    resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')),
  );
}

/**
 * The layers of src/, lowest first, as the pipeline reads: a file imports only from its own folder
 * or from a lower layer (type imports and dynamic imports too). Folders in one layer do not import
 * each other. A new folder or top-level file must be placed here.
 */
const LAYERS: string[][] = [
  ['text', 'sql', 'errors.ts'],
  ['files', 'optional-dependency.ts'],
  ['objects'],
  ['db'],
  ['config'],
  ['catalog'],
  ['hazards', 'ops'],
  ['diff'],
  ['render', 'picture'],
  ['backup'],
  ['migrations'],
  ['scratch', 'drizzle-model'],
  ['lint', 'doctor'],
  ['check', 'generate', 'adopt', 'rebase', 'seed'],
  ['options.ts'],
  ['with-runner.ts'],
  ['developer-tools.ts'],
  ['api-database.ts', 'api-development.ts'],
  ['api.ts'],
  ['studio'],
  ['index.ts'],
  ['cli'],
];

/** Every import of a file, static or dynamic, that names a file of src/ (comments' examples do not exist). */
function everyImportOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\(\s*)'(\.[^']+)'/g)]
    .map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')))
    .filter((target) => existsSync(target));
}

describe('the source tree', () => {
  it('imports only down its layers: no upward import, no two folders that import each other', () => {
    const src = join(ROOT, 'src');
    const unitOf = (file: string) => relative(src, file).split('/')[0]!;
    const layerOf = (unit: string) => LAYERS.findIndex((layer) => layer.includes(unit));
    const unplaced = new Set<string>();
    const upward: string[] = [];
    for (const file of sources(src)) {
      for (const target of everyImportOf(file)) {
        if (relative(src, target).startsWith('..')) continue; // the SmartEM model in schema/, package.json
        const [from, to] = [unitOf(file), unitOf(target)];
        if (from === to) continue;
        for (const unit of [from, to]) if (layerOf(unit) < 0) unplaced.add(unit);
        if (layerOf(to) >= layerOf(from)) upward.push(`${relative(ROOT, file)} -> ${relative(ROOT, target)}`);
      }
    }
    expect([...unplaced], 'place these in LAYERS').toEqual([]);
    expect(upward).toEqual([]);
  });

  it('has no file over 400 lines: a second concept that grows inside one gets a module of its own', () => {
    const long = sources(join(ROOT, 'src'))
      .map((file) => ({ file: relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 400);
    expect(long).toEqual([]);
  });

  it('imports optional packages only where they are used: the CLI is one bundle, which hoists static imports', () => {
    const meta = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        peerDependenciesMeta: Record<string, { optional?: boolean }>;
      }
    ).peerDependenciesMeta;
    const optional = Object.keys(meta).filter((name) => meta[name]!.optional);
    const statics = sources(join(ROOT, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import (?!type\b)[^;]*?\sfrom\s+'([^'.][^']*)';/gms)]
        .map((m) => m[1]!)
        .filter((target) => optional.some((name) => target === name || target.startsWith(`${name}/`)))
        .map((target) => `${relative(ROOT, file)} -> ${target}`),
    );
    expect(optional).toContain('libpg-query');
    expect(statics).toEqual([]);
  });

  it('has no import cycles', () => {
    const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'schema'))];
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      stack.push(file);
      for (const next of graph.get(file) ?? []) visit(next);
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) visit(file);
    expect(cycles).toEqual([]);
  });
});
