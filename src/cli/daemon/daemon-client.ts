import { spawn } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { askOnTerminal } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { daemonFolder, daemonSocket, daemonSocketName, thisIdentity } from './daemon-address.js';
import { onMessages, send, type DaemonStatus, type FromDaemon } from './daemon-protocol.js';

/**
 * Runs the command on this project's daemon and returns its exit code, or what the caller is to
 * do instead: run it itself, and start a daemon for next time when none goes on (none answered,
 * or the one that did is ending). The daemon's output, prompts and exit code are the command's own.
 */
export async function runOnDaemon(argv: string[]): Promise<number | { runHere: true; startDaemon: boolean }> {
  const path = daemonSocket();
  const socket = path && (await connect(path));
  if (!socket) return { runHere: true, startDaemon: true };
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number | { runHere: true; startDaemon: boolean }) => {
      if (settled) return;
      settled = true;
      // Nothing more to hear: not waiting for the daemon's end of the connection, which may be busy.
      socket.destroy();
      resolve(code);
    };
    onMessages<FromDaemon>(socket, (message) => {
      if (message.kind === 'out') process.stdout.write(message.text);
      else if (message.kind === 'err') process.stderr.write(message.text);
      else if (message.kind === 'ask')
        void askOnTerminal(message.question).then((yes) => send(socket, { kind: 'answer', id: message.id, yes }));
      else if (message.kind === 'exit') settle(message.code);
      else if (message.kind === 'inline') settle({ runHere: true, startDaemon: message.ending });
    });
    const lost = () => {
      if (settled) return;
      const text =
        'The smartem-db daemon ended before the command finished (see `smartem-db daemon status`). ' +
        'Run the command again, or set SMARTEM_DB_DAEMON=0 to run without it.';
      if (argv.includes('--json'))
        process.stdout.write(
          `${JSON.stringify({ error: { code: 'UNEXPECTED', message: text, exitCode: EXIT.unexpected } }, null, 2)}\n`,
        );
      process.stderr.write(`error: ${text}\n`);
      settle(EXIT.unexpected);
    };
    socket.on('error', lost);
    socket.on('close', lost);
    send(socket, {
      kind: 'run',
      argv,
      stdinIsTTY: process.stdin.isTTY === true,
      stdoutIsTTY: process.stdout.isTTY === true,
      stderrIsTTY: process.stderr.isTTY === true,
    });
  });
}

/**
 * Starts this project's daemon in the background, for the next command: it loads smartem-db,
 * drizzle-kit and esbuild once and then answers commands until it has been idle for a while.
 */
export function startDaemon(): void {
  const path = daemonSocket(true);
  if (!path) return;
  // From the TypeScript sources (tests), with this process's loader (tsx).
  const self = fileURLToPath(import.meta.url);
  const ext = extname(self);
  const flags = ext === '.js' ? [] : process.execArgv;
  try {
    const child = spawn(process.execPath, [...flags, join(self, '..', `daemon-server${ext}`), path], {
      detached: true,
      stdio: 'ignore',
      cwd: process.cwd(),
      env: process.env,
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No daemon: the next command runs as this one did.
  }
}

/** A daemon's status, and whether it is the one this process's commands would go to. */
export type DaemonAnswer = DaemonStatus & { current: boolean };

/** Asks each of this user's daemons for its status, or to stop (those of `cwd` only, when given). */
export async function askDaemons(kind: 'status' | 'stop', cwd?: string): Promise<DaemonAnswer[]> {
  const dir = daemonFolder(false);
  if (!dir) return [];
  const mine = daemonSocketName(thisIdentity());
  const sockets = readdirSync(dir).filter((f) => /^d-[0-9a-f]+\.sock$/.test(f));
  const answers = await Promise.all(
    sockets.map(async (file) => {
      const socket = await connect(join(dir, file));
      if (!socket) return null;
      const status = await new Promise<DaemonStatus | null>((resolve) => {
        onMessages<FromDaemon>(socket, (m) => {
          if (m.kind === 'status' && kind === 'status') resolve(m.status);
          else if (m.kind === 'status' && kind === 'stop') {
            if (cwd === undefined || m.status.cwd === cwd) send(socket, { kind: 'stop' });
            else resolve(null);
          } else if (m.kind === 'stopping') resolve(m.status);
        });
        socket.on('close', () => resolve(null));
        socket.on('error', () => resolve(null));
        send(socket, { kind: 'status' });
      });
      socket.destroy();
      return status && { ...status, current: file === mine };
    }),
  );
  return answers.filter((a): a is DaemonAnswer => a !== null && (cwd === undefined || a.cwd === cwd));
}

/** A connection to a daemon's socket, or null when nothing listens there. */
function connect(path: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(null));
  });
}
