// `npm run bench`: builds the benchmark page and the runner bundle, times <asi-interview> in headless Chromium, prints the figures.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { chromium } from 'playwright-core';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const outDir = path.join(benchDir, 'out');
const pageDir = path.join(outDir, 'page');

/** Answers timed per scenario (the demo is answered again and again until at least this many). */
const ANSWERS = Number(process.env.BENCH_ANSWERS ?? 100);
if (!Number.isInteger(ANSWERS) || ANSWERS < 2 || ANSWERS > 800) {
  console.error(`bench: FAILED — BENCH_ANSWERS must be a whole number from 2 to 800, not "${process.env.BENCH_ANSWERS}"`);
  process.exit(1);
}
const LOAD_RUNS = 20;
const GENERATED = 'generated-2000';
/** Answers per block when plain and encrypted interviews of one instrument take turns (even: paced and back-to-back alternate). */
const BLOCK = 20;
// The encrypted scenarios double the answering; 170 s was the single-store run's limit.
const WATCHDOG_MS = 240_000;
/** The catalogue's bar (reliability.md item 5) for a durable answer. */
const DURABLE_P95_MS = 50;

const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const log = (...args) => console.error('[bench]', ...args);

// ---------------------------------------------------------------------------------------------------------------------
// Builds

async function buildPage() {
  await build({
    configFile: false,
    root: benchDir,
    base: './',
    logLevel: 'warn',
    mode: 'production',
    build: {
      outDir: pageDir,
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      rolldownOptions: { input: path.join(benchDir, 'page.html') },
    },
  });
}

/**
 * The runner bundle: src/elements/define.ts with everything it imports (lit, xstate, zod, idb) bundled, minified,
 * ES format. Vite's library mode leaves whitespace in ES output (for tree-shaking annotations), so the headline
 * figure overrides that to minify whitespace too, as an application build would; the library default is reported too.
 */
async function buildBundle(fullMinify) {
  const dir = path.join(outDir, fullMinify ? 'bundle' : 'bundle-lib-default');
  const result = await build({
    configFile: false,
    root: repoDir,
    logLevel: 'warn',
    mode: 'production',
    build: {
      outDir: dir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      lib: { entry: path.join(repoDir, 'src/elements/define.ts'), formats: ['es'], fileName: 'asi-interview' },
      rolldownOptions: {
        external: [],
        output: fullMinify ? { minify: true } : {},
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output ?? []);
  const chunks = outputs
    .filter((o) => o.type === 'chunk')
    .map((o) => {
      const bytes = Buffer.from(o.code);
      return {
        file: o.fileName,
        entry: o.isEntry,
        modules: Object.keys(o.modules ?? {}).length,
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
      };
    })
    .sort((a, b) => Number(b.entry) - Number(a.entry) || b.raw - a.raw);
  const main = chunks.find((c) => c.entry);
  if (!main) throw new Error('bundle build produced no entry chunk');
  const jsonInMain = outputs.some((o) => o.type === 'chunk' && o.isEntry && Object.keys(o.modules ?? {}).some((m) => m.endsWith('.json')));
  return { dir: path.relative(repoDir, dir), main, others: chunks.filter((c) => c !== main), jsonInMain };
}

// ---------------------------------------------------------------------------------------------------------------------
// Static server for the built page

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.json': 'application/json' };

function serve(root) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
      if (!file.startsWith(root + path.sep) || !(await stat(file)).isFile()) throw new Error('not found');
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Figures

function percentile(values, p) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
function summary(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  return { n: finite.length, p50: percentile(finite, 0.5), p95: percentile(finite, 0.95), max: percentile(finite, 1) };
}
const round2 = (x) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);
const roundAll = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round2(v) : v]));

/**
 * Answers `count` items (or until the end screen) through the real keyboard. `alternate`: every other answer is typed
 * back-to-back, the others paced, so both kinds of sample come from the same, equally warm interview.
 */
async function answerItems(page, count, alternate) {
  const figures = [];
  while (figures.length < count) {
    const paced = !alternate || figures.length % 2 === 0;
    const next = await page.evaluate((p) => window.bench.prepare(p), paced);
    if (!next) break;
    await page.keyboard.type(next.answer);
    await page.keyboard.press('Enter');
    figures.push({ ...(await page.evaluate(() => window.bench.collect())), paced });
  }
  return figures;
}

/** Scenario name → samples, each plain row followed by its encrypted twin: "paced", "paced, encrypted", … */
function byPacing(figures, prefix = '') {
  const out = {};
  for (const [pacing, paced] of [
    ['paced', true],
    ['back-to-back', false],
  ]) {
    out[`${prefix}${pacing}`] = figures.filter((f) => f.paced === paced && !f.encrypted);
    const encrypted = figures.filter((f) => f.paced === paced && f.encrypted);
    if (encrypted.length) out[`${prefix}${pacing}, encrypted`] = encrypted;
  }
  return out;
}

/** ABBA: plain, encrypted, encrypted, plain, plain, …, so that a drift of the machine's speed falls on both alike. */
const encryptedTurn = (i) => ((i + 1) >> 1) % 2 === 1;

/**
 * `perMode` answers in a plain and an encrypted interview of the same instrument, in blocks of BLOCK that take turns
 * (ABBA): each mode's first block starts its interview (with `startOptions`), later ones resume it by interview id, so
 * both answer the same items in the same stretch of time. Returns the samples and each mode's first start.
 */
async function interleaved(page, perMode, startOptions = {}) {
  const figures = [];
  const first = {};
  const done = { plain: 0, encrypted: 0 };
  for (let b = 0; done.plain < perMode || done.encrypted < perMode; b++) {
    const encrypted = encryptedTurn(b);
    const mode = encrypted ? 'encrypted' : 'plain';
    if (done[mode] >= perMode) continue;
    const resume = mode in first;
    const start = await page.evaluate((o) => window.bench.start(o), { ...startOptions, encrypted, resume });
    if (!resume) first[mode] = start;
    const want = Math.min(BLOCK, perMode - done[mode]);
    const block = await answerItems(page, want, true);
    figures.push(...block.map((f) => ({ ...f, encrypted })));
    // Fewer than asked: the interview reached its end screen, so this mode has all it will get.
    done[mode] = block.length < want ? perMode : done[mode] + block.length;
  }
  return { figures, first };
}

/** Throws unless the encrypted store holds only sealed answers and the plain control holds them in clear. */
function checkAtRest(where, atRest) {
  const { plain, encrypted } = atRest;
  const problems = [];
  if (!encrypted || encrypted.answers === 0) problems.push('the encrypted store holds no answer records');
  else {
    if (encrypted.sealed !== encrypted.answers) problems.push(`${encrypted.answers - encrypted.sealed} of ${encrypted.answers} answer records in the encrypted store are not sealed`);
    if (encrypted.withValue) problems.push(`${encrypted.withValue} answer records in the encrypted store carry a value in clear`);
    if (encrypted.clientCodeInClear) problems.push("the encrypted store's client record shows the client code");
  }
  // The control: the same raw read does see plaintext in a plain store, so the checks above can fail.
  if (!plain || plain.answers === 0 || plain.withValue !== plain.answers || !plain.clientCodeInClear) {
    problems.push(`the plain control does not show its answers in clear (${JSON.stringify(plain)})`);
  }
  if (problems.length) throw new Error(`at rest on the ${where} page: ${problems.join('; ')}`);
}

async function openPage(browser, baseUrl, instrument) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.stack ?? e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  await page.goto(`${baseUrl}/page.html?instrument=${encodeURIComponent(instrument)}`);
  await page.waitForFunction(() => document.documentElement.dataset.benchReady === 'true', null, { timeout: 30_000 }).catch((e) => {
    throw new Error(`benchmark page did not start for ${instrument}: ${errors.join('\n') || e.message}`);
  });
  return { context, page, errors };
}

async function runDemo(browser, baseUrl) {
  const { context, page, errors } = await openPage(browser, baseUrl, 'demo');
  try {
    const load = await page.evaluate((n) => window.bench.loadFigures(n), LOAD_RUNS);
    const starts = [];
    const encryptedStarts = [];
    const answers = [];
    const fewest = () =>
      Math.min(...[true, false].flatMap((paced) => [true, false].map((encrypted) => answers.filter((f) => f.paced === paced && f.encrypted === encrypted).length)));
    // The demo asks 18 items: start it again (fresh database each time, plain and encrypted taking turns) until each
    // of paced / back-to-back × plain / encrypted has ANSWERS samples.
    for (let i = 0; fewest() < ANSWERS; i++) {
      const encrypted = encryptedTurn(i);
      (encrypted ? encryptedStarts : starts).push(await page.evaluate((o) => window.bench.start(o), { encrypted }));
      answers.push(...(await answerItems(page, Infinity, true)).map((f) => ({ ...f, encrypted })));
    }
    const scenarios = byPacing(answers);
    const atRest = await page.evaluate(() => window.bench.atRest());
    checkAtRest('demo', atRest);
    await page.evaluate(() => window.bench.finish());
    if (errors.length) throw new Error(`errors on the demo page:\n${errors.join('\n')}`);
    return { load, starts, encryptedStarts, scenarios, atRest };
  } finally {
    await context.close();
  }
}

async function runGenerated(browser, baseUrl) {
  const { context, page, errors } = await openPage(browser, baseUrl, GENERATED);
  try {
    const load = await page.evaluate((n) => window.bench.loadFigures(n), LOAD_RUNS);
    // Early in the interview: the first 2 × ANSWERS asked items, in a plain and an encrypted interview taking turns.
    const early = await interleaved(page, 2 * ANSWERS);
    const starts = [early.first.plain];
    const encryptedStarts = [early.first.encrypted];
    const atRest = await page.evaluate(() => window.bench.atRest());
    checkAtRest(GENERATED, atRest);
    for (let i = 0; i < 4; i++) starts.push(await page.evaluate(() => window.bench.start()));
    // Late in the interview: every earlier item answered (~1,650 answers stored), then its last 2 × ANSWERS asked items.
    const late = await interleaved(page, 2 * ANSWERS, { late: 2 * ANSWERS });
    const lateStart = late.first.plain;
    const lateAtRest = await page.evaluate(() => window.bench.atRest());
    checkAtRest(`${GENERATED} (late)`, lateAtRest);
    const scenarios = { ...byPacing(early.figures), ...byPacing(late.figures, 'late, ') };
    await page.evaluate(() => window.bench.finish());
    if (errors.length) throw new Error(`errors on the ${GENERATED} page:\n${errors.join('\n')}`);
    return { load, starts, encryptedStarts, lateStart, lateEncryptedStart: late.first.encrypted, scenarios, atRest: lateAtRest };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Output

const ms = (x, digits = 1) => (Number.isFinite(x) ? `${x.toFixed(digits)} ms` : '—');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function report(env, bundle, libDefault, demo, gen) {
  const out = [];
  out.push(`asi-interview benchmark — ${env.date}`);
  out.push(`${env.browser} (headless, ${env.chromiumPath}) · Node ${env.node} · ${env.cpus} × ${env.cpuModel} · ${env.memGb} GB RAM · ${env.os}`);
  out.push(`Frame interval in the page: median ${ms(demo.load.frameInterval.median, 2)} (one frame)`);
  out.push('');
  out.push('Loading');
  const firstItems = (run) => run.starts.map((s) => s.firstItemPaintMs);
  out.push(
    table([
      ['', 'demo', GENERATED],
      ['items in definition / asked with the bench answers', `${demo.load.items} / ${demo.load.asked}`, `${gen.load.items} / ${gen.load.asked}`],
      ['definition JSON size', kb(demo.load.bytes), kb(gen.load.bytes)],
      [`JSON.parse (median of ${LOAD_RUNS})`, ms(demo.load.parse.median, 2), ms(gen.load.parse.median, 2)],
      [`loadInstrument: validate+compile (median of ${LOAD_RUNS})`, ms(demo.load.load.median, 2), ms(gen.load.load.median, 2)],
      ['loadInstrument, first call on the page', ms(demo.load.loadCold, 2), ms(gen.load.loadCold, 2)],
      ['openIdbStore, fresh database (median)', ms(percentile(demo.starts.map((s) => s.storeOpenMs), 0.5)), ms(percentile(gen.starts.map((s) => s.storeOpenMs), 0.5))],
      [`first item on screen, first run`, ms(demo.starts[0].firstItemPaintMs), ms(gen.starts[0].firstItemPaintMs)],
      [
        `first item on screen, median (runs)`,
        `${ms(percentile(firstItems(demo), 0.5))} (${demo.starts.length})`,
        `${ms(percentile(firstItems(gen), 0.5))} (${gen.starts.length})`,
      ],
      [
        'first item on screen, resumed with stored answers',
        '—',
        `${ms(gen.lateStart.firstItemPaintMs)} (${gen.lateStart.prefilled} answers)`,
      ],
      [
        'enableEncryption, fresh database, key made once (median)',
        ms(percentile(demo.encryptedStarts.map((s) => s.encryptMs), 0.5)),
        ms(percentile([...gen.encryptedStarts, gen.lateEncryptedStart].map((s) => s.encryptMs), 0.5)),
      ],
      [
        'first item on screen, encrypted store, median (runs)',
        `${ms(percentile(firstItems({ starts: demo.encryptedStarts }), 0.5))} (${demo.encryptedStarts.length})`,
        `${ms(percentile(firstItems({ starts: gen.encryptedStarts }), 0.5))} (${gen.encryptedStarts.length})`,
      ],
      [
        'first item on screen, encrypted, resumed with stored answers',
        '—',
        `${ms(gen.lateEncryptedStart.firstItemPaintMs)} (${gen.lateEncryptedStart.prefilled} answers)`,
      ],
    ]),
  );
  out.push('');
  out.push('Answering: from Enter (keydown timestamp) to …  [p50 / p95 / max]');
  const rows = [['scenario', 'n', 'answer durable (asi-answer)', 'next item in DOM', 'next item painted', 'next field focused']];
  const fmt = (s) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)}`;
  const scenarioRows = [];
  for (const [name, run] of [
    ['demo', demo],
    [GENERATED, gen],
  ]) {
    for (const [mode, figures] of Object.entries(run.scenarios)) {
      const s = {
        name: `${name}, ${mode}`,
        n: figures.length,
        durable: summary(figures.map((f) => f.durableMs)),
        dom: summary(figures.map((f) => f.domMs)),
        paint: summary(figures.map((f) => f.paintMs)),
        focus: summary(figures.map((f) => f.focusMs)),
        deliver: summary(figures.map((f) => f.deliverMs)),
      };
      scenarioRows.push(s);
      rows.push([s.name, s.n, fmt(s.durable), fmt(s.dom), fmt(s.paint), fmt(s.focus)]);
    }
  }
  out.push(table(rows));
  out.push('paced: typed once the previous move is fully saved, incl. the background snapshot write (any human pace);');
  out.push('back-to-back: typed as soon as the next field has focus (alternating with paced answers in the same interviews);');
  out.push(`late: ${GENERATED} resumed with every earlier item answered, then its last ${2 * ANSWERS} asked items answered;`);
  out.push(`encrypted: the same, in a store encrypted at rest (records sealed with AES-GCM), in blocks taking turns with the plain rows.`);
  out.push('');
  out.push(`Encryption at rest: answer durable, Enter → asi-answer (strict-durability commit)  [p50 / p95; bar: p95 ≤ ${DURABLE_P95_MS} ms]`);
  const encryption = encryptionRows(scenarioRows);
  const yes = (ok) => (ok ? 'yes' : 'NO');
  out.push(
    table([
      ['scenario', 'n plain / enc', 'plain', 'encrypted', 'ratio p50', 'ratio p95', `p95 ≤ ${DURABLE_P95_MS} ms plain / enc`],
      ...encryption.map((r) => [
        r.name,
        `${r.plain.n} / ${r.encrypted.n}`,
        `${ms(r.plain.p50)} / ${ms(r.plain.p95)}`,
        `${ms(r.encrypted.p50)} / ${ms(r.encrypted.p95)}`,
        `× ${r.ratioP50.toFixed(2)}`,
        `× ${r.ratioP95.toFixed(2)}`,
        `${yes(r.plainMeets)} / ${yes(r.encryptedMeets)}`,
      ]),
    ]),
  );
  out.push('ratio: encrypted ÷ plain, same run; plain and encrypted interviews take turns (ABBA), so drift falls on both.');
  const rest = (name, a) =>
    `  ${name}: encrypted store ${a.encrypted.sealed} of ${a.encrypted.answers} answer records sealed, ${a.encrypted.withValue} with a value in clear, ` +
    `client code in clear: ${a.encrypted.clientCodeInClear ? 'YES' : 'no'}; plain control ${a.plain.withValue} of ${a.plain.answers} with a value in clear`;
  out.push('Raw read of the `answers` and `clients` object stores (IndexedDB itself, not the store API), last interview of each page:');
  out.push(rest('demo', demo.atRest));
  out.push(rest(`${GENERATED} (late)`, gen.atRest));
  out.push('');
  out.push(`Runner bundle (src/elements/define.ts + lit + xstate + zod + idb, minified ES, gzip -9), in ${bundle.dir}/`);
  const brows = [['chunk', 'modules', 'raw', 'gzip']];
  brows.push([`${bundle.main.file} (main)`, bundle.main.modules, kb(bundle.main.raw), kb(bundle.main.gzip)]);
  for (const c of bundle.others) brows.push([`${c.file} (on demand)`, c.modules, kb(c.raw), kb(c.gzip)]);
  brows.push([`main, Vite library default (whitespace kept)`, libDefault.main.modules, kb(libDefault.main.raw), kb(libDefault.main.gzip)]);
  out.push(table(brows));
  if (bundle.jsonInMain) out.push('WARNING: an instrument JSON module ended up in the main chunk.');
  out.push('');
  const frame = demo.load.frameInterval.median;
  const paced = scenarioRows.filter((r) => !r.name.includes('back-to-back'));
  const list = (key) => paced.map((r) => `${r.name} ${ms(r[key].p95)}`).join(', ');
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  out.push('Targets (architecture.md, "Quality bars"), p95 of the paced samples:');
  out.push(`  next item within one frame of Enter (in the DOM within ${ms(frame)}, so the next frame paints it):`);
  out.push(`    ${list('dom')} — ${verdict(paced.every((r) => r.dom.p95 <= frame))}`);
  out.push(`  answer durable within ${DURABLE_P95_MS} ms: ${list('durable')} — ${verdict(paced.every((r) => r.durable.p95 <= DURABLE_P95_MS))}`);
  out.push(`  runner bundle well under 100 KB gzipped: ${kb(bundle.main.gzip)} — ${bundle.main.gzip < 100 * 1024 ? 'under' : 'NOT under'}`);
  return { text: out.join('\n'), scenarioRows, encryption };
}

/** Each plain scenario beside its encrypted twin: durable p50 / p95, the ratios, and whether each meets the bar. */
function encryptionRows(scenarioRows) {
  const rows = [];
  for (const enc of scenarioRows.filter((r) => r.name.endsWith(', encrypted'))) {
    const name = enc.name.slice(0, -', encrypted'.length);
    const plain = scenarioRows.find((r) => r.name === name);
    if (!plain) continue;
    rows.push({
      name,
      plain: plain.durable,
      encrypted: enc.durable,
      ratioP50: enc.durable.p50 / plain.durable.p50,
      ratioP95: enc.durable.p95 / plain.durable.p95,
      plainMeets: plain.durable.p95 <= DURABLE_P95_MS,
      encryptedMeets: enc.durable.p95 <= DURABLE_P95_MS,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------------

async function main() {
  if (!CHROMIUM) throw new Error('No Chromium at /usr/lib/chromium/chromium or /usr/bin/chromium (apt-get install chromium)');
  const started = Date.now();
  let server;
  let browser;
  const watchdog = setTimeout(() => {
    console.error(`bench: FAILED — still running after ${WATCHDOG_MS / 1000} s, giving up`);
    Promise.allSettled([browser?.close(), server && new Promise((r) => server.close(r))]).finally(() => process.exit(1));
  }, WATCHDOG_MS);
  const stop = (signal) => {
    interrupted = signal;
    console.error(`bench: interrupted (${signal}), closing Chromium and the page server`);
    Promise.allSettled([browser?.close(), server && new Promise((r) => server.close(r))]).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    log('building page and runner bundle…');
    await buildPage();
    const bundle = await buildBundle(true);
    const libDefault = await buildBundle(false);
    server = await serve(pageDir);
    const baseUrl = `http://127.0.0.1:${server.address().port}`;
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s; launching Chromium…`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    log('demo…');
    const demo = await runDemo(browser, baseUrl);
    log(`${GENERATED}…`);
    const gen = await runGenerated(browser, baseUrl);
    const cpu = os.cpus();
    const env = {
      date: new Date().toISOString(),
      browser: `Chromium ${browser.version()}`,
      chromiumPath: CHROMIUM,
      node: process.versions.node,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown CPU',
      memGb: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
    };
    log('scale: 1,000 clients × 3 rounds…');
    const scalePage = await openPage(browser, baseUrl, 'demo');
    const scale = await scalePage.page.evaluate(() => window.bench.scale()).finally(() => scalePage.context.close());
    if (scalePage.errors.length) throw new Error(`errors on the scale page:\n${scalePage.errors.join('\n')}`);
    const { text, scenarioRows, encryption } = report(env, bundle, libDefault, demo, gen);
    console.log(text);
    console.log(
      [
        '',
        `Scale (ASI scores, ${scale.clients} clients × ${scale.rounds} rounds, in Chromium)`,
        `  group report (all filters off), median of 7      ${scale.groupReportMs.toFixed(1)} ms`,
        `  group report grouped by age band, median of 7     ${scale.groupByAgeMs.toFixed(1)} ms`,
        `  <asi-group-report> rendered with the data         ${scale.groupReportRenderMs.toFixed(1)} ms`,
        `  compareInterviews for every client (1,000 calls)  ${scale.compareAllClientsMs.toFixed(1)} ms`,
        `  <asi-comparison> of one client, store of 1,000    ${scale.comparisonRenderMs.toFixed(1)} ms`,
      ].join('\n'),
    );
    const json = {
      env,
      seconds: round2((Date.now() - started) / 1000),
      frameIntervalMs: round2(demo.load.frameInterval.median),
      load: Object.fromEntries(
        [demo, gen].map((r) => [
          r.load.instrument,
          {
            items: r.load.items,
            asked: r.load.asked,
            bytes: r.load.bytes,
            parseMedianMs: round2(r.load.parse.median),
            loadMedianMs: round2(r.load.load.median),
            loadColdMs: round2(r.load.loadCold),
            storeOpenMedianMs: round2(percentile(r.starts.map((s) => s.storeOpenMs), 0.5)),
            firstItemFirstRunMs: round2(r.starts[0].firstItemPaintMs),
            firstItemMedianMs: round2(percentile(r.starts.map((s) => s.firstItemPaintMs), 0.5)),
            firstItemRuns: r.starts.length,
          },
        ]),
      ),
      scale,
      resumedLate: { prefilled: gen.lateStart.prefilled, firstItemMs: round2(gen.lateStart.firstItemPaintMs), firstItemDomMs: round2(gen.lateStart.firstItemDomMs) },
      answering: Object.fromEntries(
        scenarioRows.map((s) => [
          s.name,
          { n: s.n, durable: roundAll(s.durable), dom: roundAll(s.dom), paint: roundAll(s.paint), focus: roundAll(s.focus), inputDelivery: roundAll(s.deliver) },
        ]),
      ),
      encryption: {
        barP95Ms: DURABLE_P95_MS,
        durable: Object.fromEntries(
          encryption.map((r) => [
            r.name,
            {
              plain: roundAll(r.plain),
              encrypted: roundAll(r.encrypted),
              ratioP50: round2(r.ratioP50),
              ratioP95: round2(r.ratioP95),
              plainMeets: r.plainMeets,
              encryptedMeets: r.encryptedMeets,
            },
          ]),
        ),
        enableEncryptionMedianMs: round2(percentile([...demo.encryptedStarts, ...gen.encryptedStarts].map((s) => s.encryptMs), 0.5)),
        atRest: { demo: demo.atRest, [GENERATED]: gen.atRest },
      },
      bundle: {
        main: bundle.main,
        others: bundle.others,
        libDefaultMain: libDefault.main,
        jsonInMain: bundle.jsonInMain,
      },
    };
    console.log(`BENCH_JSON ${JSON.stringify(json)}`);
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    clearTimeout(watchdog);
    await browser?.close().catch(() => undefined);
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }
}

/** Set when a signal stopped the run: the errors that follow from closing the browser are not the story then. */
let interrupted = null;

/**
 * The sync figures (bench/sync.ts) in their own Node process, after the browser is closed: a CouchDB-protocol server,
 * PouchDB replication, no browser. BENCH_SYNC_CLIENTS sets the unit's size (default 1,000); BENCH_SYNC=0 skips them.
 */
async function syncFigures() {
  if (process.env.BENCH_SYNC === '0') return;
  const { spawn } = await import('node:child_process');
  const tsx = path.join(repoDir, 'node_modules', '.bin', 'tsx');
  const code = await new Promise((resolve) => spawn(tsx, [path.join(benchDir, 'sync.ts')], { cwd: repoDir, stdio: 'inherit' }).on('close', resolve));
  if (code !== 0) throw new Error(`the sync figures failed (exit ${code})`);
}

main().then(syncFigures).then(
  () => process.exit(0),
  (error) => {
    if (interrupted) return; // stop() exits once the browser is closed
    // Playwright appends the browser's whole log to its errors; keep the message readable (BENCH_DEBUG=1 for all).
    const text = String(error?.stack ?? error);
    const short = process.env.BENCH_DEBUG ? text : text.split('\nBrowser logs:')[0].split('\n').slice(0, 12).join('\n');
    console.error(`bench: FAILED — ${short}`);
    process.exit(1);
  },
);
