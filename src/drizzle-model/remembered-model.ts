import { storeKey, type Store } from '../files/project-store.js';
import { stableEnv } from '../config/stable-env.js';
import type { LoadedModel } from './model-statements.js';
import { contentHash } from './loaded-files.js';

/** What a model's statements depend on besides its files: where it is, and what it runs in. */
interface ModelContext {
  /** smartem-db's version and code. */
  code: string;
  /** The model module's path, resolved. */
  schemaPath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** File lists kept per model and context: one per branch a developer moves between. */
const KEEP_FILE_LISTS = 4;

/**
 * The model's statements as they were last worked out from exactly these files, with their
 * content now, and this context; null when they were not, and the model must be loaded. The key
 * covers everything the statements can depend on by construction: loadModel names the files only
 * when the model reads nothing else (no fs, no network, no package but drizzle-orm).
 *
 * @example const statements = rememberedStatements(store, ctx) ?? (await loadModel(cwd, schema)).statements;
 */
export function rememberedStatements(store: Store, ctx: ModelContext): string[] | null {
  for (const files of store.getJson<string[][]>('model-files', contextKey(ctx)) ?? []) {
    const statements = store.getJson<string[]>('model-statements', filesKey(ctx, files));
    if (statements) return statements;
  }
  return null;
}

/** Records the statements of a model just loaded, under its files' content (when loadModel named them). */
export function rememberStatements(store: Store, ctx: ModelContext, loaded: LoadedModel): void {
  if (!loaded.files || !store.dir) return;
  const files = loaded.files;
  store.putJson('model-statements', filesKey(ctx, files), loaded.statements);
  const was = store.getJson<string[][]>('model-files', contextKey(ctx)) ?? [];
  const same = (list: string[]) => list.length === files.length && list.every((f, i) => f === files[i]);
  store.putJson('model-files', contextKey(ctx), [files, ...was.filter((l) => !same(l))].slice(0, KEEP_FILE_LISTS));
}

function contextKey(ctx: ModelContext): string {
  return storeKey(
    'model context',
    ctx.code,
    process.versions.node.split('.')[0],
    process.platform,
    process.arch,
    ctx.schemaPath,
    ctx.cwd,
    stableEnv(ctx.env),
  );
}

function filesKey(ctx: ModelContext, files: readonly string[]): string {
  return storeKey(
    contextKey(ctx),
    files.map((file) => [file, contentHash(file)]),
  );
}
