import { parentPort, workerData } from 'node:worker_threads';
import { SmartemDbError } from '../errors.js';
import { modelWithSources } from './model-statements.js';
import type { ModelMessage } from './model-worker.js';

// The thread modelWithSourcesAside (model-worker.ts) starts: loads the model and posts its DDL.
const { cwd, schema } = workerData as { cwd: string; schema: string | undefined };
const post = (message: ModelMessage) => parentPort!.postMessage(message);

modelWithSources(cwd, schema, (sourcesKnown) => post({ kind: 'imported', sourcesKnown })).then(
  ({ statements, sources }) => post({ kind: 'done', statements, sources }),
  (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ kind: 'failed', code: e instanceof SmartemDbError ? e.code : null, name: e.name, message: e.message });
  },
);
