// zod is jitless wherever the library is imported (never `new Function`, so strict-CSP hosts see no violation).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('zod jitless', () => {
  it('is set once the library root is imported', async () => {
    await import('../../src/index.js');
    const { z } = await import('zod');
    expect(z.config().jitless).toBe(true);
    // The same object zod's parsers read (zod keeps it on globalThis, shared by every copy of zod in the process).
    const { globalConfig } = await import('zod/v4/core');
    expect(globalConfig.jitless).toBe(true);
  });

  it('is set in a fresh Node process running the sources through tsx, as the CLI does', async () => {
    // A new process: nothing else has configured zod there, so only the library's own import can have set it.
    const script = `await import('./src/index.ts'); const { z } = await import('zod'); console.log(JSON.stringify(z.config()));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 120_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ jitless: true });
  });

  it('keeps its configuring module as a side effect for bundlers, in the sources and in dist/', () => {
    // Without this, a bundler that trusts package.json "sideEffects" drops `z.config(...)` (its result is unused),
    // and the library build's dist/core/definition/zod.js, the app bundle and any host's bundle are not jitless.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { sideEffects: string[] };
    expect(pkg.sideEffects).toEqual(expect.arrayContaining(['./src/core/definition/zod.ts', './dist/core/definition/zod.js']));
  });
});
