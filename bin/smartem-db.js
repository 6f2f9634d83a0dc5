#!/usr/bin/env node
// The published CLI runs the compiled code (npm's `prepare` builds dist/ on install).
const { run } = await import('../dist/src/cli/main.js');
process.exitCode = await run(process.argv.slice(2));
