#!/usr/bin/env node
// The asi-interview command: runs the TypeScript source through tsx in a checkout, the built dist/ code once installed.
import { existsSync } from 'node:fs';

// A closed pipe (e.g. `asi-interview schema | head`) is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const source = new URL('../src/cli/main.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import('../dist/cli/main.js');
}
process.exitCode = await cli.main(process.argv.slice(2));
