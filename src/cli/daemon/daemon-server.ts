import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { redactCredentials } from '../../db/redact.js';
import { FreshProcessNeeded, markLongLived, onModelLoaded, runAfterAnswer } from '../../config/process-lifetime.js';
import { packageRoot } from '../../config/package-root.js';
import { fileStamp, installedPackageOf } from '../../files/files.js';
import { bootAhead, bootEmptyAhead } from '../../db/pglite-session.js';
import { holdsEmbeddedModel } from '../../scratch/model-keep.js';
import { makeAhead, ScratchPool } from '../../scratch/scratch-databases.js';
import type { DbSession } from '../../db/session.js';
import { codeStamp } from './daemon-address.js';
import { onMessages, send, type DaemonStatus, type FromDaemon, type ToDaemon } from './daemon-protocol.js';

/** How long a daemon waits for its next command before it ends (SMARTEM_DB_DAEMON_IDLE_SECONDS, else 30 minutes). */
const IDLE_MS = Number(process.env.SMARTEM_DB_DAEMON_IDLE_SECONDS) * 1000 || 30 * 60_000;
/** After this many commands, or this much memory, a daemon answers one last time and ends (a model's leaks end with it). */
const MAX_COMMANDS = 500;
const MAX_RSS_BYTES = 2 * 1024 ** 3;

/**
 * A project's daemon: one process that loads smartem-db, drizzle-kit and esbuild once and then
 * runs generate, diff and check for its clients, one at a time, each command exactly as a fresh
 * process would (daemon-client.ts sends it; the model is bundled anew each time). It hands a
 * command back when what it loaded is no longer what is installed, and ends after 30 idle
 * minutes, or with its client when that goes away mid-command (as a command does on Ctrl-C).
 */
export async function serveDaemon(socketPath: string): Promise<void> {
  markLongLived();
  const { run } = await import('../main.js');
  await warmUp();
  const watched = new InstalledFiles();
  const startedAt = new Date().toISOString();
  let commands = 0;
  let queue = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;
  const server = createServer();
  const status = (): DaemonStatus => ({
    pid: process.pid,
    socket: socketPath,
    cwd: process.cwd(),
    startedAt,
    commands,
    memoryMb: Math.round(process.memoryUsage.rss() / 1024 ** 2),
    busy: busy > 0 || readyingWork.size > 0,
  });
  // What is being readied for the next command: awaited by end(), so that nothing made ahead
  // is made after the drop.
  const readyingWork = new Set<Promise<unknown>>();
  let ending = false;
  const ready = (work: () => Promise<unknown>) => {
    if (ending) return;
    const done = work().catch(() => {});
    readyingWork.add(done);
    void done.finally(() => readyingWork.delete(done));
  };
  // Ends after the command running now and what it left for after its answer (its scratch
  // databases dropped, its replay kept), unless that command's client is gone (130: it ends with
  // it, as Ctrl-C ends a process of its own); then what is being readied, and what was made ahead
  // on a server is dropped. A booted PGlite ends with the process.
  const end = (code = 0) => {
    if (ending) return;
    ending = true;
    server.close();
    void (code === 130 ? Promise.resolve() : queue)
      .then(() => Promise.allSettled([...readyingWork]))
      .then(() => ScratchPool.dropAhead())
      .finally(() => process.exit(code));
  };

  let busy = 0;
  // Restarted by every connection; a command still running when it fires defers the end.
  const rest = () => {
    clearTimeout(idle);
    idle = setTimeout(() => (busy > 0 ? rest() : end()), IDLE_MS);
  };

  const runFor = async (
    socket: Socket,
    request: Extract<ToDaemon, { kind: 'run' }>,
    answers: Map<number, (yes: boolean) => void>,
  ) => {
    if (socket.destroyed) return;
    if (watched.changed()) {
      send(socket, { kind: 'inline', ending: true });
      socket.end(() => end());
      return;
    }
    commands++;
    let finished = false;
    // A client gone mid-command is a Ctrl-C: the command ends with it, as it would in its own process.
    socket.on('close', () => finished || end(130));
    // Held until the model has loaded fresh: a command handed back then has shown nothing.
    let held: FromDaemon[] | null = [];
    const emit = (message: FromDaemon) => (held ? held.push(message) : send(socket, message));
    const release = () => {
      for (const message of held ?? []) send(socket, message);
      held = null;
    };
    onModelLoaded(release);
    let nextQuestion = 0;
    const io: CliIo = {
      out: (text) => emit({ kind: 'out', text }),
      err: (text) => emit({ kind: 'err', text }),
      stdinIsTTY: request.stdinIsTTY,
      stdoutIsTTY: request.stdoutIsTTY,
      stderrIsTTY: request.stderrIsTTY,
      ask: (question) => {
        release();
        const id = nextQuestion++;
        send(socket, { kind: 'ask', id, question });
        return new Promise((resolve) => answers.set(id, resolve));
      },
    };
    // What a dependency writes to the streams itself (a console.warn) is the command's output too.
    const restore = forwardStreams(io);
    try {
      const code = await run(request.argv, { io, warm: true });
      release();
      send(socket, { kind: 'exit', code });
    } catch (error) {
      if (error instanceof FreshProcessNeeded) send(socket, { kind: 'inline', ending: false });
      else {
        // run() answers every other error itself: this is the daemon's own fault, said as run()
        // says an unexpected one (the command may have done part of its work), and it ends.
        release();
        const message = redactCredentials(error instanceof Error ? error.message : String(error));
        send(socket, { kind: 'err', text: `error: the smartem-db daemon failed: ${message}\n` });
        send(socket, { kind: 'exit', code: EXIT.unexpected });
        setImmediate(() => end());
      }
    } finally {
      restore();
      finished = true;
      onModelLoaded(undefined);
      socket.end();
      await runAfterAnswer();
    }
    if (commands >= MAX_COMMANDS || process.memoryUsage.rss() > MAX_RSS_BYTES) end();
    // The next command's scratch database, booted while the developer reads this one's answer
    // (a moment later: the answer's last bytes go out first).
    ready(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      // No empty PGlite for the model while its own is held (hundreds of MB each).
      await Promise.all([bootAhead(readCatalog, !holdsEmbeddedModel()), makeAhead()]);
    });
  };

  server.on('connection', (socket) => {
    rest();
    const answers = new Map<number, (yes: boolean) => void>();
    socket.on('error', () => {});
    onMessages<ToDaemon>(socket, (message) => {
      if (message.kind === 'status') send(socket, { kind: 'status', status: status() });
      else if (message.kind === 'stop') {
        send(socket, { kind: 'stopping', status: status() });
        socket.end(() => end());
      } else if (message.kind === 'answer') answers.get(message.id)?.(message.yes);
      else if (message.kind === 'run' && ending) {
        send(socket, { kind: 'inline', ending: true });
        socket.end();
      } else if (message.kind === 'run') {
        busy++;
        queue = queue
          .then(() => runFor(socket, message, answers))
          .catch(() => end())
          .finally(() => {
            busy--;
            rest();
          });
      }
    });
  });
  await listen(server, socketPath);
  process.once('SIGTERM', () => end());
  process.once('SIGINT', () => end());
  rest();
  // The first command's scratch databases, where the settings put them by default.
  ready(readyFirst);
}

/** Sends what is written to process.stdout and process.stderr to `io` until the returned function is called. */
function forwardStreams(io: CliIo): () => void {
  const streams = [
    [process.stdout, io.out],
    [process.stderr, io.err],
  ] as const;
  const saved = streams.map(([stream]) => stream.write);
  for (const [stream, to] of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      to(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
  return () => streams.forEach(([stream], i) => (stream.write = saved[i]!));
}

/** Reads a database's catalog and throws it away: what warms a database booted ahead. */
async function readCatalog(db: Pick<DbSession, 'query' | 'exec'>): Promise<void> {
  const { introspect } = await import('../../catalog/introspect.js');
  await introspect(db as DbSession);
}

/**
 * Readies what the first command will most likely ask for: its scratch databases where this
 * daemon's settings put them without --url or --shadow-url (an empty PGlite, booted and warmed,
 * or an empty database on the server).
 */
async function readyFirst(): Promise<void> {
  try {
    const { scratchTargetOf } = await import('../../options.js');
    const { loadConfig } = await import('../../config/config.js');
    const target = scratchTargetOf({}, () => loadConfig());
    await (target.kind === 'server' ? makeAhead(target) : bootEmptyAhead(readCatalog));
  } catch {
    // A setting the first command will report itself.
  }
}

/** Loads what every command needs, so that the first one finds it loaded. */
async function warmUp(): Promise<void> {
  const { modelDdl } = await import('../../drizzle-model/model-ddl.js');
  await modelDdl({}).catch(() => {});
  await import('esbuild').then((esbuild) => esbuild.transform('')).catch(() => {});
  await import('@electric-sql/pglite').catch(() => {});
}

/** Listens on the socket; a socket left by a daemon that died is removed, one that answers is another daemon's. */
async function listen(server: Server, path: string): Promise<void> {
  const attempt = () =>
    new Promise<NodeJS.ErrnoException | null>((resolve) => {
      server.once('error', resolve);
      server.listen(path, () => {
        server.removeAllListeners('error');
        resolve(null);
      });
    });
  let error = await attempt();
  if (error?.code === 'EADDRINUSE' && !(await answers(path))) {
    rmSync(path, { force: true });
    error = await attempt();
  }
  if (error) process.exit(0); // Another daemon has this project: it answers.
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * What the daemon loaded from disk, as it was then: smartem-db's own modules, the package.json of
 * every package it has required, and the package managers' install records under each
 * node_modules above the project and smartem-db. Any of them rewritten means an install or a
 * build happened: what the daemon holds may no longer be what a fresh process would load.
 */
class InstalledFiles {
  private readonly code = codeStamp();
  private readonly seen = new Map<string, string>();
  private readonly require = createRequire(import.meta.url);

  constructor() {
    for (const start of [process.cwd(), packageRoot()]) {
      for (let at = start; ; at = dirname(at)) {
        for (const record of ['.package-lock.json', '.modules.yaml', '.yarn-state.yml', '.yarn-integrity'])
          this.note(join(at, 'node_modules', record));
        if (dirname(at) === at) break;
      }
    }
    this.changed();
  }

  changed(): boolean {
    try {
      if (codeStamp() !== this.code) return true;
    } catch {
      return true;
    }
    for (const file of Object.keys(this.require.cache)) {
      const dir = installedPackageOf(file);
      if (dir && !this.seen.has(join(dir, 'package.json'))) this.note(join(dir, 'package.json'));
    }
    return [...this.seen].some(([file, stamp]) => fileStamp(file) !== stamp);
  }

  private note(file: string): void {
    this.seen.set(file, fileStamp(file));
  }
}

// Run as `node daemon-server.js <socket>` by daemon-client.ts's startDaemon.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2]) {
  void serveDaemon(process.argv[2]);
}
