#!/usr/bin/env node
// The published CLI runs the compiled code, bundled into one module (npm's `prepare` builds dist/ on install).
const { runCli } = await import('../dist/cli.js');
process.exitCode = await runCli(process.argv.slice(2));
