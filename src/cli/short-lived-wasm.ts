import { setFlagsFromString } from 'node:v8';

/**
 * Tells V8 to run WebAssembly with its baseline compiler only (Liftoff), for a short-lived CLI
 * process: PGlite, the scratch database without a server, is megabytes of WebAssembly, and V8's
 * default tiering recompiles its hot functions with TurboFan on background threads, work a
 * command of a second or two never earns back on two cores (npm run bench -- generate shows the
 * no-server rows). Only the CLI sets it: an application that
 * imports the library keeps V8's defaults (a long-lived embedded database earns the tier-up).
 * It must run before PGlite compiles its module; later it changes nothing.
 */
export function preferBaselineWasm(): void {
  try {
    setFlagsFromString('--liftoff-only');
  } catch {
    // A runtime without the flag (not V8's, or a newer V8 that renamed it) runs as it would.
  }
}
