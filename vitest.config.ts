// Vitest: core unit tests run in Node (no DOM); end-to-end app tests drive Debian Chromium with playwright-core.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // CPU-heavy unit tests (300 seeded walks of ASI Grund, PBKDF2 at 600,000 iterations) take seconds on a loaded
      // 2-core machine: 5 s made them flaky. A real hang is still caught.
      { test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
