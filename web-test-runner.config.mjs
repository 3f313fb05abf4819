// @ts-check
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { existsSync, writeFileSync } from 'node:fs';

// System Chromium from Debian apt (`apt-get install -y chromium`).
// /usr/lib/chromium/chromium is the real binary; /usr/bin/chromium is a shell wrapper
// that sources /etc/chromium.d/* (adds extension flags, prints a harmless "[: ... unexpected operator").
const executablePath =
  process.env.CHROME_PATH ||
  ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
    (p) => existsSync(p),
  );
if (!executablePath) throw new Error('No Chromium found: apt-get install -y chromium, or set CHROME_PATH');

/**
 * Writes {"passed":N,"failed":N,"skipped":N} to $WTR_SUMMARY_FILE when the run stops.
 * A test file that fails to load (syntax/import error) has no test results but session errors:
 * it counts as one failure so it can't be silently dropped.
 * @returns {import('@web/test-runner').Reporter}
 */
function countsReporter() {
  return {
    stop({ sessions }) {
      const out = process.env.WTR_SUMMARY_FILE;
      if (!out) return;
      let passed = 0, failed = 0, skipped = 0;
      /** @param {import('@web/test-runner').TestSuiteResult} s */
      const walk = (s) => {
        for (const t of s.tests) t.skipped ? skipped++ : t.passed ? passed++ : failed++;
        s.suites.forEach(walk);
      };
      for (const session of sessions) {
        const failedBefore = failed;
        if (session.testResults) walk(session.testResults);
        // load error / hook error: session failed but no individual test failed
        if (session.passed === false && failed === failedBefore) failed++;
      }
      writeFileSync(out, JSON.stringify({ passed, failed, skipped }));
    },
  };
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['tests/browser/**/*.test.ts'],
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true, json: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--no-sandbox', // required when running as root
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
        ],
      },
    }),
  ],
  // Lit dev build is what you want in tests (extra warnings), but silence its banner.
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  reporters: [defaultReporter(), countsReporter()],
  testFramework: { config: { timeout: 20000 } },
  browserStartTimeout: 60000,
};
