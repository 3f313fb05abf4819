// Vite config for the clinician app (npm start): serves src/app with no server-side part; all data stays in the browser.
import { defineConfig, type Plugin } from 'vite';

/**
 * The app's Content Security Policy, sent as a header by the dev and preview servers and repeated in index.html's
 * meta tag (for hosts that serve the files without headers). No eval, no inline script, no other origin, and Trusted
 * Types for every DOM script sink (Lit makes its own 'lit-html' policy, so no `trusted-types` list is needed).
 * style-src keeps 'unsafe-inline': the comparison's swatches are style attributes and Vite's dev server injects
 * styles; connect-src allows the dev server's HMR socket on localhost.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws://localhost:*",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "require-trusted-types-for 'script'",
].join('; ');

/** Fails the dev server and the build when index.html's CSP meta tag says something other than the header. */
function cspMetaMatchesHeader(): Plugin {
  return {
    name: 'asi-csp-meta-matches-header',
    transformIndexHtml(html) {
      const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];
      if (meta !== CSP) throw new Error(`src/app/index.html's CSP meta tag differs from vite.app.config.ts:\n  meta:   ${meta}\n  header: ${CSP}`);
      return html;
    },
  };
}

/**
 * zod keeps a JIT: a `new Function("")` probe (allowsEval, v4/core/util.js) and a code generator (Doc.compile,
 * v4/core/doc.js). The library sets zod jitless (src/core/definition/zod.ts), so neither ever runs, but the app
 * bundle would still ship them, and a bundle that contains eval cannot be told by a scan from one that uses it.
 * The app build replaces the probe with `false` and compile() with a throw (docs/decisions.md, "No eval ships").
 * Should zod change that code, the build fails here rather than ship it unnoticed.
 */
function zodWithoutEval(): Plugin {
  const edits = [
    {
      file: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/]util\.js$/,
      from: /try \{\s*const F = Function;\s*new F\(""\);\s*return true;\s*\}\s*catch \(_\) \{\s*return false;\s*\}/,
      to: 'return false; // asi-interview: zod is jitless; no eval probe',
    },
    {
      file: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/]doc\.js$/,
      from: /compile\(\) \{\s*const F = Function;[\s\S]*?return factory\(\.\.\.Object\.values\(this\.closed\)\);\s*\}/,
      to: 'compile() { throw new Error("asi-interview: zod is jitless; its code generator is not shipped"); }',
    },
  ];
  return {
    name: 'asi-zod-without-eval',
    apply: 'build',
    transform(code, id) {
      const edit = edits.find((e) => e.file.test(id.split('?')[0]!));
      if (!edit) return null;
      if (!edit.from.test(code)) this.error(`zod's JIT code in ${id} is not what this plugin removes: check it for eval before shipping`);
      return { code: code.replace(edit.from, edit.to), map: null };
    },
  };
}

export default defineConfig({
  root: 'src/app',
  plugins: [zodWithoutEval(), cspMetaMatchesHeader()],
  // No third-party requests: nothing is fetched from outside this origin.
  server: { port: Number(process.env.PORT ?? 5173), strictPort: false, host: 'localhost', fs: { allow: ['../..'] }, headers: { 'Content-Security-Policy': CSP } },
  preview: { port: Number(process.env.PORT ?? 4173), headers: { 'Content-Security-Policy': CSP } },
  // Pre-bundle every dependency up front: otherwise the first visit discovers them late and reloads the page.
  optimizeDeps: { include: ['lit', 'lit/decorators.js', 'lit/static-html.js', '@lit/context', 'xstate', 'zod', 'idb'] },
  build: { outDir: '../../dist-app', emptyOutDir: true, target: 'es2022' },
});
