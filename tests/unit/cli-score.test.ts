// The score command: scoreLines in-process for the scoring rules, plus child-process runs for exit codes and streams.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreLines, type ScoreLine } from '../../src/cli/score.js';
import { BUILTIN_INSTRUMENTS, builtinDefinition, loadInstrument, type CompiledInstrument } from '../../src/core/definition/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Worked examples from an independent implementation; outside the repository, so the test skips without them. */
const ASI_EXAMPLES = new URL('../fixtures/asi-composite-examples.json', import.meta.url).pathname;

type Scored = Extract<ScoreLine, { scores: unknown }>;
type Failed = Extract<ScoreLine, { error: string }>;

let demo: CompiledInstrument;
beforeAll(async () => {
  demo = loadInstrument(await builtinDefinition('demo'));
});

/** Runs scoreLines over records (objects are serialised, strings passed as they are) and parses what it writes. */
async function score(records: readonly (string | Record<string, unknown>)[], round = 'intake', instrument = demo) {
  const out: string[] = [];
  const reported: string[] = [];
  const lines = records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
  const summary = await scoreLines(instrument, round, lines, (line) => void out.push(line), (m) => void reported.push(m));
  for (const line of out) expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
  return { summary, reported, results: out.map((line) => JSON.parse(line) as ScoreLine) };
}

async function one(record: Record<string, unknown>, round = 'intake'): Promise<Scored> {
  const { results } = await score([record], round);
  expect(results).toHaveLength(1);
  expect(results[0]).not.toHaveProperty('error');
  return results[0] as Scored;
}

const health = (days: number, troubled: number, important: number) => days / 90 + troubled / 12 + important / 12;
const work = (licence: number, car: number, days: number, income: number) =>
  1 - (licence / 4 + car / 4 + days / 120 + (income > 0 ? Math.log(income) : 0) / 36);

const FULL = { H_DAYS: 9, H_TROUBLED: 3, H_IMPORTANT: 3, W_LICENCE: 1, W_CAR: 0, W_DAYS: 12, W_INCOME: 5000 };

describe('scoreLines with the demo instrument', () => {
  it('computes every score of the round from complete answers, unrounded', async () => {
    const result = await one(FULL);
    expect(Object.keys(result.scores)).toEqual(['HEALTH', 'WORK']);
    // By hand: 9/90 + 3/12 + 3/12 = 0.1 + 0.25 + 0.25.
    expect(result.scores.HEALTH).toBeCloseTo(0.6, 12);
    // By hand: 1 − (1/4 + 0 + 12/120 + ln 5000/36) = 1 − (0.25 + 0.1 + 0.2365887…) = 0.4134113…
    expect(result.scores.WORK).toBeCloseTo(0.41341130023843795, 12);
    expect(result.scores.WORK).toBeCloseTo(work(1, 0, 12, 5000), 14);
    expect(result.missing).toEqual({});
    expect(result).not.toHaveProperty('warnings');
    expect(result.line).toBe(1);

    const other = await one({ H_DAYS: 30, H_TROUBLED: 4, H_IMPORTANT: 0, W_LICENCE: 1, W_CAR: 1, W_DAYS: 20, W_INCOME: 0 });
    expect(other.scores.HEALTH).toBeCloseTo(2 / 3, 14);
    // ln term is 0 for an income of 0: 1 − (0.25 + 0.25 + 20/120) = 1/3.
    expect(other.scores.WORK).toBeCloseTo(1 / 3, 14);
    // Full double precision, not rounded for display.
    expect(String(other.scores.HEALTH).length).toBeGreaterThan(12);
  });

  it('gives null and the missing items for X, N and blank inputs', async () => {
    const result = await one({ H_DAYS: 'X', H_TROUBLED: 2, W_LICENCE: 1, W_CAR: 'N', W_DAYS: 3, W_INCOME: 100 });
    expect(result.scores).toEqual({ HEALTH: null, WORK: null });
    expect(result.missing).toEqual({ HEALTH: ['H_DAYS', 'H_IMPORTANT'], WORK: ['W_CAR'] });

    const empty = await one({});
    expect(empty.scores).toEqual({ HEALTH: null, WORK: null });
    expect(empty.missing).toEqual({
      HEALTH: ['H_DAYS', 'H_TROUBLED', 'H_IMPORTANT'],
      WORK: ['W_LICENCE', 'W_CAR', 'W_DAYS', 'W_INCOME'],
    });
  });

  it('reads -9 and -8 (numbers or strings) as X and N', async () => {
    const result = await one({ ...FULL, H_DAYS: -9, H_IMPORTANT: '-8', W_CAR: '-9' });
    expect(result.scores).toEqual({ HEALTH: null, WORK: null });
    expect(result.missing).toEqual({ HEALTH: ['H_DAYS', 'H_IMPORTANT'], WORK: ['W_CAR'] });
    expect(result).not.toHaveProperty('warnings');
    // An item that allows no codes refuses -9 like it refuses X, naming the value as given.
    const dated = await one({ ...FULL, G_DATE: -9 });
    expect(dated.warnings).toEqual(['G_DATE: Code X is not allowed here (got -9)']);
  });

  it('treats JSON null as a blank answer, without a warning', async () => {
    const result = await one({ ...FULL, H_DAYS: null });
    expect(result.scores.HEALTH).toBeNull();
    expect(result.missing).toEqual({ HEALTH: ['H_DAYS'] });
    expect(result).not.toHaveProperty('warnings');
  });

  it('applies auto-fill: W_LICENCE = 0 without W_CAR scores WORK with W_CAR = 0', async () => {
    const { W_CAR: _omitted, ...rest } = FULL;
    const result = await one({ ...rest, W_LICENCE: 0 });
    expect(result.scores.WORK).toBeCloseTo(work(0, 0, 12, 5000), 14);
    expect(result.missing).toEqual({});
    expect(result).not.toHaveProperty('warnings');
    // With a licence, W_CAR is asked, so leaving it out makes WORK incomplete.
    const asked = await one({ ...rest, W_LICENCE: 1 });
    expect(asked.scores.WORK).toBeNull();
    expect(asked.missing).toEqual({ WORK: ['W_CAR'] });
  });

  it('uses the auto-filled value over a contradicting one, and ignores answers to skipped items, saying so', async () => {
    const result = await one({ ...FULL, W_LICENCE: 0, W_CAR: 1, A_DAYS: 0, A_SPENT: 250 });
    expect(result.scores.WORK).toBeCloseTo(work(0, 0, 12, 5000), 14);
    expect(result.warnings).toEqual([
      'W_CAR: the instrument fills in 0 here; the given value is not used',
      'A_SPENT: not asked with these answers (its condition is false); the given value is not used',
    ]);
  });

  it('counts an out-of-range value as missing, with a warning naming the value', async () => {
    const result = await one({ ...FULL, H_DAYS: 45, W_INCOME: -3 });
    expect(result.scores).toEqual({ HEALTH: null, WORK: null });
    expect(result.missing).toEqual({ HEALTH: ['H_DAYS'], WORK: ['W_INCOME'] });
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings![0]).toBe('H_DAYS: Enter a number from 0 to 30 (got 45)');
    expect(result.warnings![1]).toMatch(/^W_INCOME: .+ \(got -3\)$/);
    const typed = await one({ ...FULL, H_TROUBLED: 'a lot', H_IMPORTANT: [4] });
    expect(typed.missing).toEqual({ HEALTH: ['H_TROUBLED', 'H_IMPORTANT'] });
    expect(typed.warnings).toEqual([expect.stringMatching(/^H_TROUBLED: .+ \(got "a lot"\)$/), 'H_IMPORTANT: Not a valid answer (got an array)']);
  });

  it('ignores unknown items and items of another round, with warnings', async () => {
    const result = await one({ ...FULL, FOO: 1, G_START: '09:30' }, 'follow-up');
    expect(result.scores.HEALTH).toBeCloseTo(0.6, 12);
    expect(result.warnings).toEqual(['Unknown item FOO ignored', 'G_START is not asked in round follow-up; ignored']);
    const long = await one({ ['Z'.repeat(500)]: 1 });
    expect(long.warnings![0]!.length).toBeLessThan(80);
  });

  it('reports a malformed line in sequence and goes on with the next ones', async () => {
    const { results, summary, reported } = await score([FULL, '{"H_DAYS": 3, "secret": tru}', '', FULL, '[1, 2]', '42', 'null', FULL]);
    expect(results.map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    const errors = results.filter((r): r is Failed => 'error' in r);
    expect(errors).toEqual([
      { line: 2, error: expect.stringMatching(/^Line 2: Invalid JSON at column \d+: /) as unknown },
      { line: 5, error: 'Line 5: Expected an object of answers (item id → value), got an array' },
      { line: 6, error: 'Line 6: Expected an object of answers (item id → value), got a number' },
      { line: 7, error: 'Line 7: Expected an object of answers (item id → value), got null' },
    ]);
    expect(reported).toEqual(errors.map((e) => e.error));
    expect(reported.join('\n')).not.toContain('secret');
    expect((results[2] as Scored).scores.HEALTH).toBeCloseTo(0.6, 12);
    expect((results[6] as Scored).scores.HEALTH).toBeCloseTo(0.6, 12);
    expect(summary).toEqual({ records: 7, errors: 4, warned: 0 });
  });

  it('rejects lines with prototype keys and leaves Object.prototype untouched', async () => {
    const { results, summary } = await score([
      '{"__proto__": {"polluted": true}, "H_DAYS": 1}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"prototype": 1}',
      FULL,
    ]);
    expect(results.slice(0, 3)).toEqual([
      { line: 1, error: 'Line 1: Key "__proto__" is not allowed' },
      { line: 2, error: 'Line 2: Key "constructor" is not allowed' },
      { line: 3, error: 'Line 3: Key "prototype" is not allowed' },
    ]);
    expect(summary.errors).toBe(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('skips blank lines and a byte order mark, keeping physical line numbers', async () => {
    const { results } = await score([`\ufeff${JSON.stringify(FULL)}`, '', '   ', `${JSON.stringify({ H_DAYS: 0, H_TROUBLED: 0, H_IMPORTANT: 0 })}\r`]);
    expect(results.map((r) => r.line)).toEqual([1, 4]);
    expect((results[1] as Scored).scores.HEALTH).toBe(0);
  });

  it('scores 5,000 generated lines from an async source, in order', async () => {
    async function* generate() {
      for (let i = 0; i < 5000; i++) yield JSON.stringify({ H_DAYS: i % 31, H_TROUBLED: i % 5, H_IMPORTANT: (i >> 3) % 5 });
    }
    const out: string[] = [];
    const summary = await scoreLines(demo, 'intake', generate(), async (line) => void out.push(line));
    expect(summary).toEqual({ records: 5000, errors: 0, warned: 0 });
    expect(out).toHaveLength(5000);
    out.forEach((line, i) => {
      const result = JSON.parse(line) as Scored;
      expect(result.line).toBe(i + 1);
      expect(result.scores.HEALTH).toBeCloseTo(health(i % 31, i % 5, (i >> 3) % 5), 12);
    });
  });
});

interface AsiExample {
  answers: Record<string, number | string>;
  expected: Record<string, number | null>;
}

describe('scoreLines with the ASI', () => {
  const ready = BUILTIN_INSTRUMENTS.includes('asi') && existsSync(ASI_EXAMPLES);
  it.skipIf(!ready)(
    `reproduces every worked composite of ${ASI_EXAMPLES} within 1e-9 (skipped until the asi instrument is registered and the file exists)`,
    async () => {
      const asi = loadInstrument(await builtinDefinition('asi'));
      const examples = JSON.parse(readFileSync(ASI_EXAMPLES, 'utf8')) as AsiExample[];
      expect(examples.length).toBeGreaterThan(0);
      const { results, summary } = await score(
        examples.map((e) => e.answers),
        'grund',
        asi,
      );
      expect(summary.errors).toBe(0);
      examples.forEach((example, i) => {
        const result = results[i] as Scored;
        for (const [id, expected] of Object.entries(example.expected)) {
          const actual = result.scores[id];
          const label = `example ${i + 1}, ${id} (missing: ${JSON.stringify(result.missing[id] ?? [])}, warnings: ${JSON.stringify(result.warnings ?? [])})`;
          if (expected === null) expect(actual, label).toBeNull();
          else {
            expect(actual, label).not.toBeNull();
            expect(Math.abs(actual! - expected), label).toBeLessThanOrEqual(1e-9);
          }
        }
      });
    },
  );
});

describe('asi-interview score (child process)', { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'asi-score-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], input?: string) => {
    const result = spawnSync(process.execPath, ['bin/asi-interview.js', 'score', ...args], { cwd: ROOT, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const parse = (stdout: string) => stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as ScoreLine);

  it('reads stdin (with -) and a definition path, exits 0 and writes one JSON line per record', () => {
    const input = `${JSON.stringify(FULL)}\n\n${JSON.stringify({ W_LICENCE: 0, W_DAYS: 0, W_INCOME: 0 })}\n`;
    const result = run(['--instrument', 'instruments/demo/demo.json', '--round', 'follow-up', '-'], input);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = parse(result.stdout) as Scored[];
    expect(lines.map((l) => l.line)).toEqual([1, 3]);
    expect(lines[0]!.scores.HEALTH).toBeCloseTo(0.6, 12);
    expect(lines[1]).toEqual({ line: 3, scores: { HEALTH: null, WORK: 1 }, missing: { HEALTH: ['H_DAYS', 'H_TROUBLED', 'H_IMPORTANT'] } });
  });

  it('exits 1 after scoring every line when one is malformed, naming it on stderr without its content', () => {
    const input = [JSON.stringify(FULL), '{"H_DAYS": "my secret", oops}', JSON.stringify({ ...FULL, H_DAYS: 45 })].join('\n');
    const result = run(['--instrument', 'demo'], input);
    expect(result.code).toBe(1);
    const lines = parse(result.stdout);
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3]);
    expect(lines[1]).toEqual({ line: 2, error: expect.stringMatching(/^Line 2: Invalid JSON at column \d+/) as unknown });
    expect((lines[2] as Scored).warnings).toEqual(['H_DAYS: Enter a number from 0 to 30 (got 45)']);
    expect(result.stderr).toContain(`asi-interview score: ${(lines[1] as Failed).error}\n`);
    expect(result.stderr).toContain('1 line(s) with warnings');
    expect(result.stderr).not.toMatch(/secret|45/);
  });

  it('exits 2 for an unknown round, naming the rounds, and without --instrument', () => {
    const round = run(['--instrument', 'demo', '--round', 'week-6'], '');
    expect(round.code).toBe(2);
    expect(round.stderr).toContain('Unknown round "week-6" (rounds of demo: intake, follow-up)');
    expect(round.stdout).toBe('');
    const bare = run([], '');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--instrument');
  });

  it('streams a file of 100,000 lines', () => {
    const file = join(dir, 'many.jsonl');
    const line = JSON.stringify(FULL);
    writeFileSync(file, `${line}\n`.repeat(100_000));
    const result = run(['--instrument', 'demo', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(100_000);
    expect((JSON.parse(lines[99_999]!) as Scored).line).toBe(100_000);
  });

  it('scores AUDIT and DUDIT by id: totals, AUDIT-C, and no total when an item is missing', () => {
    // AUDIT points 2+1+1+0+0+0+1+0+0+2 = 7, AUDIT-C = 2+1+1 = 4; the second line lacks AUDIT10.
    const audit = Object.fromEntries([2, 1, 1, 0, 0, 0, 1, 0, 0, 2].map((v, i) => [`AUDIT${i + 1}`, v]));
    const { AUDIT10: _dropped, ...partial } = audit;
    const a = run(['--instrument', 'audit', '-'], `${JSON.stringify(audit)}\n${JSON.stringify(partial)}\n`);
    expect(a.code).toBe(0);
    const [full, missing] = parse(a.stdout) as Scored[];
    expect(full!.scores).toEqual({ AUDIT: 7, AUDIT_C: 4 });
    expect(missing!.scores).toEqual({ AUDIT: null, AUDIT_C: 4 });
    expect(missing!.missing).toEqual({ AUDIT: ['AUDIT10'] });

    // DUDIT points 4×11 = 44 (the maximum), and one with X (not answered) in DUDIT3: no total.
    const dudit = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`DUDIT${i + 1}`, 4]));
    const d = run(['--instrument', 'dudit', '--round', 'screening', '-'], `${JSON.stringify(dudit)}\n${JSON.stringify({ ...dudit, DUDIT3: 'X' })}\n`);
    expect(d.code).toBe(0);
    const [max, coded] = parse(d.stdout) as Scored[];
    expect(max!.scores).toEqual({ DUDIT: 44 });
    expect(coded!.scores).toEqual({ DUDIT: null });
  });
});
