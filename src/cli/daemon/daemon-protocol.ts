import type { Socket } from 'node:net';

/** What a client says to a daemon, a JSON document a line. */
export type ToDaemon =
  | { kind: 'run'; argv: string[]; stdinIsTTY: boolean; stdoutIsTTY: boolean; stderrIsTTY: boolean }
  | { kind: 'answer'; id: number; yes: boolean }
  | { kind: 'status' }
  | { kind: 'stop' };

/** What a daemon says back. */
export type FromDaemon =
  | { kind: 'out'; text: string }
  | { kind: 'err'; text: string }
  | { kind: 'ask'; id: number; question: string }
  | { kind: 'exit'; code: number }
  /**
   * The command is the client's to run: the daemon's code or packages are no longer what is
   * installed (`ending`: it ends, and the client starts a new one), or the command needs a fresh
   * process (the daemon goes on).
   */
  | { kind: 'inline'; ending: boolean }
  | { kind: 'status'; status: DaemonStatus }
  | { kind: 'stopping'; status: DaemonStatus };

/** A daemon, as `smartem-db daemon status` shows it. */
export interface DaemonStatus {
  pid: number;
  /** Its socket: a client of the same project, environment and installation connects there. */
  socket: string;
  cwd: string;
  startedAt: string;
  commands: number;
  memoryMb: number;
  /** Running a command, or readying the next one's scratch databases. */
  busy: boolean;
}

/** Writes one message. */
export function send(socket: Socket, message: ToDaemon | FromDaemon): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}

/** Calls `handle` with each message that arrives, in order; a line that is not JSON ends the connection. */
export function onMessages<T>(socket: Socket, handle: (message: T) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      let message: T;
      try {
        message = JSON.parse(line) as T;
      } catch {
        socket.destroy();
        return;
      }
      handle(message);
    }
  });
}
