import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SmartemDbError, type ErrorCode } from '../errors.js';
import { modelWithSources } from './model-statements.js';
import { resolveSchemaPath } from './load-schema.js';
import type { ScratchTarget } from '../scratch/scratch-databases.js';
import { isLongLived } from '../config/process-lifetime.js';

/** What the worker posts: the module imported (its files known or not), then the answer or the error. */
export type ModelMessage =
  | { kind: 'imported'; sourcesKnown: boolean }
  | { kind: 'done'; statements: string[]; sources: string[] | null }
  | { kind: 'failed'; code: ErrorCode | null; name: string; message: string };

type Model = Awaited<ReturnType<typeof modelWithSources>>;

const ENTRY = new URL('./model-worker-entry.js', import.meta.url);

/**
 * modelWithSources, on a thread of its own when the scratch databases are embedded: the model's
 * load (esbuild, the model, drizzle-orm and drizzle-kit's 3 MB API: about 0.25 s of CPU for the
 * SmartEM model) then runs while this thread boots PGlite (0.5-0.6 s of WebAssembly), where on
 * one thread the two only took turns. With a server the replay is 0.1 s of waiting on it, less
 * than the worker costs (measured: 851 against 832 ms), so the model loads here. The answer and
 * its errors are the same as modelWithSources' (a SmartemDbError keeps its code and message).
 * A worker needs this module compiled (the CLI, the packed package); from TypeScript sources
 * (tests under vitest, tsx) it could not load its entry, and the model loads here, as it does
 * when a worker cannot start. A long-lived process (the CLI's daemon) loads it here too: its
 * drizzle-kit is loaded and warm, a worker's would start cold.
 *
 * @example const { statements } = await modelWithSourcesAside(process.cwd(), undefined, { kind: 'embedded' });
 */
export async function modelWithSourcesAside(
  cwd: string,
  schema: string | undefined,
  scratch: ScratchTarget,
  onImported?: (sourcesKnown: boolean) => void,
): Promise<Model> {
  const entry = fileURLToPath(ENTRY);
  if (scratch.kind !== 'embedded' || isLongLived() || !entry.endsWith('.js') || !existsSync(entry))
    return modelWithSources(cwd, schema, onImported);
  // Named in what the thread itself may fail with (its own errors name it already).
  const path = await resolveSchemaPath(cwd, schema);
  const lost = (what: string) =>
    new SmartemDbError('SCHEMA_LOAD_FAILED', `Cannot load the Drizzle model ${path}: ${what}`);
  let worker: Worker;
  try {
    worker = new Worker(ENTRY, { workerData: { cwd, schema } });
  } catch {
    return modelWithSources(cwd, schema, onImported);
  }
  // It never keeps the process alive: a model holding a handle open (a timer, a pool) is its own.
  worker.unref();
  return new Promise<Model>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
      void worker.terminate();
    };
    worker.on('message', (message: ModelMessage) => {
      if (message.kind === 'imported') onImported?.(message.sourcesKnown);
      else if (message.kind === 'done')
        settle(() => resolve({ statements: message.statements, sources: message.sources }));
      else settle(() => reject(failure(message)));
    });
    // An error thrown outside the load (a timer of the model's) or the thread's end before an answer.
    worker.on('error', (error) => settle(() => reject(lost(error.message))));
    worker.on('exit', (code) =>
      settle(() =>
        reject(
          lost(`its thread ended (exit code ${code}) before it gave its DDL: does the model call process.exit()?`),
        ),
      ),
    );
  });
}

function failure(message: Extract<ModelMessage, { kind: 'failed' }>): Error {
  if (message.code) return new SmartemDbError(message.code, message.message);
  const error = new Error(message.message);
  error.name = message.name;
  return error;
}
