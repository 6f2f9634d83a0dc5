import { createInterface } from 'node:readline/promises';

/**
 * What a command reads from and writes to its terminal: this process's streams, or, in a warm
 * process (warm/warm-server.ts), a client's, carried over a socket. Commands write through it, never
 * to process.stdout, so the two give the same bytes.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** A yes/no question on the terminal (rename prompts); anything but y/yes is no. */
  ask(question: string): Promise<boolean>;
}

/** This process's own streams. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ask: askOnTerminal,
  };
}

/** The answer to a yes/no question asked on this process's terminal. */
async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
