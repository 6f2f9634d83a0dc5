#!/usr/bin/env node
// The published CLI runs the compiled code (npm's `prepare` builds dist/ on install).
process.env.SMARTEM_DB_CLI = '1';
await import('../dist/src/cli/main.js');
