// Vite config for the clinician app (npm start): serves src/app with no server-side part; all data stays in the browser.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/app',
  // No third-party requests: nothing is fetched from outside this origin.
  server: { port: Number(process.env.PORT ?? 5173), strictPort: false, host: 'localhost', fs: { allow: ['../..'] } },
  preview: { port: Number(process.env.PORT ?? 4173) },
  // Pre-bundle every dependency up front: otherwise the first visit discovers them late and reloads the page.
  optimizeDeps: { include: ['lit', 'lit/decorators.js', 'lit/static-html.js', '@lit/context', 'xstate', 'zod', 'idb'] },
  build: { outDir: '../../dist-app', emptyOutDir: true, target: 'es2022' },
});
