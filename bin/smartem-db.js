#!/usr/bin/env node
// The published CLI runs the compiled code (npm's `prepare` builds dist/ on install).
const { runCli } = await import('../dist/src/cli/cli-entry.js');
process.exitCode = await runCli(process.argv.slice(2));
