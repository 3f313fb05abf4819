#!/usr/bin/env node
// npm test: typecheck, vitest (unit + end-to-end) and web-test-runner (Chromium); runs all, then prints "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const out = '.test-out';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => `node_modules/.bin/${name}`;
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const chrome = [process.env.CHROME_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));

let passed = 0;
let failed = 0;

console.log('\n=== typecheck');
if (run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']) !== 0) failed++;

if (!chrome) {
  console.error('\nNo Chromium found. Install it (Debian: apt-get install -y chromium) or set CHROME_PATH.');
  failed++;
} else {
  process.env.CHROME_PATH = chrome;
}

console.log('\n=== vitest (unit in Node, end-to-end in Chromium)');
const vitestStatus = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}/vitest.json`]);
try {
  const r = JSON.parse(readFileSync(`${out}/vitest.json`, 'utf8'));
  // A file that fails to load has status "failed" but no failed assertion: count it once so it cannot vanish.
  const broken = r.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  passed += r.numPassedTests;
  failed += r.numFailedTests + broken + (vitestStatus !== 0 && r.numFailedTests + broken === 0 ? 1 : 0);
} catch {
  failed++;
}

if (chrome) {
  console.log('\n=== web-test-runner (elements in Chromium)');
  const wtrStatus = run(bin('web-test-runner'), [], { WTR_SUMMARY_FILE: `${out}/wtr.json` });
  try {
    const r = JSON.parse(readFileSync(`${out}/wtr.json`, 'utf8'));
    passed += r.passed;
    failed += wtrStatus !== 0 && r.failed === 0 ? 1 : r.failed;
  } catch {
    failed++;
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
