// Library build: one output file per source module (matching tsc's .d.ts layout), dependencies left as imports.
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const external = [...Object.keys((pkg as { dependencies?: Record<string, string> }).dependencies ?? {}), 'node:fs', 'node:path', 'node:url', 'node:process', 'tsx'];

export default defineConfig({
  build: {
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: true,
    lib: {
      entry: {
        index: 'src/index.ts',
        'elements/index': 'src/elements/index.ts',
        'elements/define': 'src/elements/define.ts',
        'elements/define-evaluation': 'src/elements/define-evaluation.ts',
        'core/storage/idb-store': 'src/core/storage/idb-store.ts',
        'cli/main': 'src/cli/main.ts',
      },
      formats: ['es'],
    },
    rolldownOptions: {
      // keep lit/xstate/zod/idb (and deep imports like lit/decorators.js) as peer imports
      external: (id) => external.some((dep) => id === dep || id.startsWith(dep + '/')) || id.startsWith('node:'),
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
});
