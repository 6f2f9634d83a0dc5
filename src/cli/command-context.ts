import type { CommonOptions } from '../options.js';
import type { CliIo } from './cli-io.js';
import type { CliValues } from './options.js';

/** What every command gets: its arguments, the parsed options, and how to print. */
export interface CommandContext {
  args: string[];
  values: CliValues;
  common: CommonOptions;
  json: boolean;
  /** Prints the text, or the data as JSON with --json. */
  print: (text: string, data: unknown) => void;
  usage: (message: string) => number;
  /** Whether stderr is a terminal that takes colour. */
  colour?: boolean;
  /** The terminal: what the command writes goes here, never to process.stdout. */
  io: CliIo;
}
