/** Where the runner reports progress; it prints nothing unless given one. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** A progress line that replaces the previous one (a terminal's heartbeat); optional. */
  heartbeat?(message: string): void;
}
