// The simulate, export and report commands run as child processes: pipes, formats, merging, and refusing bad bundles.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, type Bundle } from '../../src/core/exchange/bundle.js';
import { validateFhirResource } from '../../src/core/exchange/fhir-validate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command, optionally feeding `input` to its standard input (as a shell pipe would). */
function cli(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/asi-interview.js', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

let dir: string;
const file = (name: string) => join(dir, name);
/** Two small simulated ASI bundles (different seeds, so different clients), written by the CLI itself. */
let a: Bundle;
let b: Bundle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asi-cli-evaluator-'));
  const [ra, rb] = await Promise.all([
    cli(['simulate', '--instrument', 'asi', '--clients', '8', '--rounds', 'grund,uppfoljning', '--seed', '1', '--out', file('a.json')]),
    cli(['simulate', '--instrument', 'asi', '--clients', '6', '--rounds', 'grund', '--seed', '2', '--out', file('b.json')]),
  ]);
  expect(ra.code, ra.stderr).toBe(0);
  expect(rb.code, rb.stderr).toBe(0);
  expect(ra.stdout).toBe('');
  a = JSON.parse(readFileSync(file('a.json'), 'utf8')) as Bundle;
  b = JSON.parse(readFileSync(file('b.json'), 'utf8')) as Bundle;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulate | report', () => {
  it('pipes a simulated bundle into report --json, in the contract shape', async () => {
    const sim = await cli(['simulate', '--instrument', 'asi', '--clients', '30', '--rounds', 'grund,uppfoljning', '--seed', '1']);
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.stderr).toBe('');
    // Same seed: the first 8 of these 30 clients are the 8 clients written with --out.
    const piped = JSON.parse(sim.stdout) as Bundle;
    const byCode = (x: Bundle) => new Map(x.clients.map((c) => [c.code, c]));
    for (const [code, client] of byCode(a)) expect(byCode(piped).get(code)).toEqual(client);

    const report = await cli(['report', '--json', '-'], sim.stdout);
    expect(report.code, report.stderr).toBe(0);
    const doc = JSON.parse(report.stdout) as { scores: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc)).toEqual(['scores']);
    expect(Object.keys(doc.scores)).toEqual(['MED', 'EMP', 'ALC', 'DRUG', 'LEGAL', 'FAM', 'PSY']);
    for (const s of Object.values(doc.scores)) {
      expect(Object.keys(s)).toEqual(['n', 'meanFirst', 'meanLast', 'meanChange', 'improved', 'unchanged', 'worsened', 'missing']);
      expect(s.n as number).toBeGreaterThan(15);
      expect(s.n as number).toBeLessThanOrEqual(30);
    }
    expect(doc.scores.FAM!.improved).toBeNull();
    expect(typeof doc.scores.MED!.improved).toBe('number');

    const text = await cli(['report', '--by', 'sex', '-'], sim.stdout);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Group report: asi 1\.0\.0, \d+ clients/);
    expect(text.stdout).toMatch(/Sex: male \(\d+ clients\)\nScore\s+n\s+Mean first\s+Mean last\s+Change/);
  }, 60_000);

  it('report --by --json gives the groups', async () => {
    const run = await cli(['report', '--json', '--by', 'substance', file('a.json')]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { by: string; groups: { group: string; scores: Record<string, unknown> }[] };
    expect(doc.by).toBe('substance');
    expect(doc.groups.length).toBeGreaterThan(0);
    for (const g of doc.groups) expect(Object.keys(g)).toEqual(['group', 'scores']);
  }, 30_000);
});

describe('export', () => {
  it('--format csv: a header and one row per interview, and the codebook', async () => {
    const run = await cli(['export', '--format', 'csv', '--codebook', file('codebook.csv'), file('a.json')]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['interview_id', 'client_code', 'sex']);
    expect(lines[0]).toContain(',G5,');
    expect(lines[0]!.endsWith(',PSY')).toBe(true);
    expect(lines).toHaveLength(1 + a.interviews.length);
    expect(readFileSync(file('codebook.csv'), 'utf8')).toContain('D14');
  }, 30_000);

  it('--format fhir: a valid FHIR Bundle of QuestionnaireResponses; --out-dir adds the Questionnaire', async () => {
    const run = await cli(['export', '--format', 'fhir', file('a.json')]);
    expect(run.code, run.stderr).toBe(0);
    const fhir = JSON.parse(run.stdout) as { resourceType: string; type: string; entry: unknown[] };
    expect(fhir.resourceType).toBe('Bundle');
    expect(fhir.type).toBe('collection');
    expect(fhir.entry).toHaveLength(a.interviews.length);
    expect(validateFhirResource(fhir)).toEqual([]);

    const out = await cli(['export', '--format', 'fhir', '--out-dir', file('fhir'), file('a.json')]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('');
    const questionnaire = JSON.parse(readFileSync(file('fhir/Questionnaire-asi.json'), 'utf8')) as unknown;
    expect(validateFhirResource(questionnaire)).toEqual([]);
    expect(JSON.parse(readFileSync(file('fhir/QuestionnaireResponses.json'), 'utf8'))).toEqual(fhir);
  }, 30_000);

  it('--format json merges bundles into one valid bundle (a bundle twice counts once)', async () => {
    const run = await cli(['export', '--format', 'json', file('a.json'), '-', file('a.json')], readFileSync(file('b.json'), 'utf8'));
    expect(run.code, run.stderr).toBe(0);
    const parsed = await parseBundle(run.stdout);
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    const merged = JSON.parse(run.stdout) as Bundle;
    expect(merged.clients).toHaveLength(a.clients.length + b.clients.length);
    expect(merged.interviews).toHaveLength(a.interviews.length + b.interviews.length);
    expect(merged.audit).toHaveLength(a.audit.length + b.audit.length);
  }, 30_000);
});

describe('bad input', () => {
  it('refuses a malformed bundle: exit 1, the file and JSON path on stderr, no answer data, nothing on stdout', async () => {
    // A schema problem (the status) and, in another file, a value the item does not accept.
    const badStatus = JSON.parse(JSON.stringify(a)) as { interviews: { status: string }[] };
    badStatus.interviews[0]!.status = 'bogus';
    writeFileSync(file('bad-status.json'), JSON.stringify(badStatus));
    const badValue = JSON.parse(JSON.stringify(a)) as Bundle;
    const index = badValue.answers.findIndex((x) => typeof x.value === 'number');
    badValue.answers[index]!.value = 'SECRET-ANSWER-4711';
    writeFileSync(file('bad-value.json'), JSON.stringify(badValue));

    const status = await cli(['export', '--format', 'json', file('a.json'), file('bad-status.json')]);
    expect(status.code).toBe(1);
    expect(status.stdout).toBe('');
    expect(status.stderr).toContain(`${file('bad-status.json')}: interviews[0].status: Invalid option`);
    const value = await cli(['export', '--format', 'csv', file('bad-value.json')]);
    expect(value.code).toBe(1);
    expect(value.stdout).toBe('');
    expect(value.stderr).toContain(`${file('bad-value.json')}: answers[${index}].value: The value is not a valid answer to "${badValue.answers[index]!.itemId}"`);
    expect(value.stderr).not.toContain('SECRET');
    // Invalid JSON: line and column, never the text.
    writeFileSync(file('broken.json'), '{"format": "asi-interview-bundle", SECRET}');
    const broken = await cli(['report', file('broken.json')]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/broken\.json: \(bundle\): Invalid JSON at line 1, column \d+/);
    expect(broken.stderr).not.toContain('SECRET');
  }, 30_000);

  it('refuses bundles that conflict, naming the interview and both files', async () => {
    const other = JSON.parse(JSON.stringify(a)) as Bundle;
    other.interviews[0]!.interviewer = 'INT-99';
    writeFileSync(file('conflict.json'), JSON.stringify(other));
    const run = await cli(['export', '--format', 'json', file('a.json'), file('conflict.json')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Interview "${a.interviews[0]!.id}" differs between ${file('a.json')} and ${file('conflict.json')}`);
  }, 30_000);

  it('usage errors exit 2: unknown format, unknown round, bad --by', async () => {
    const format = await cli(['export', '--format', 'xml', file('a.json')]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Unknown format "xml" (formats: csv, fhir, json)');
    expect(format.stdout).toBe('');
    const round = await cli(['simulate', '--instrument', 'asi', '--clients', '2', '--rounds', 'grund,later', '--seed', '1']);
    expect(round.code).toBe(2);
    expect(round.stderr).toContain('Unknown round "later" (rounds of asi: grund, lite, uppfoljning)');
    const by = await cli(['report', '--by', 'colour', file('a.json')]);
    expect(by.code).toBe(2);
  }, 30_000);
});

describe('verify', () => {
  it('finds bundles intact, and names the interview, the event and the item of each problem, without answer values', async () => {
    const ok = await cli(['verify', file('a.json'), file('b.json')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/a\.json: intact \(16 interviews, \d+ audit events\)\n.*b\.json: intact/);

    // An audit value changed behind the app's back, and a stored answer edited without its audit event.
    const tampered = structuredClone(a);
    const first = tampered.interviews[0]!.id;
    const events = tampered.audit.flatMap((e, i) => (e.interviewId === first ? [i] : []));
    tampered.audit[events[3]!]!.new = 4;
    writeFileSync(file('tampered.json'), JSON.stringify(tampered));
    const edited = structuredClone(a);
    const answer = edited.answers.find((x) => x.interviewId === edited.interviews[1]!.id && typeof x.value === 'number' && x.value > 1)!;
    answer.value = 1;
    writeFileSync(file('edited.json'), JSON.stringify(edited));

    const bad = await cli(['verify', file('tampered.json'), file('edited.json'), file('a.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`tampered.json: audit[${events[3]}]: The audit log of interview "${first}" is broken at its event 4`);
    expect(bad.stdout).toContain(`edited.json: interview ${edited.interviews[1]!.id}: the stored answer to ${answer.itemId} differs from its audit trail`);
    expect(bad.stdout).toContain('a.json: intact');

    const json = await cli(['verify', '--json', file('edited.json')]);
    expect(JSON.parse(json.stdout)).toEqual({
      file: file('edited.json'),
      ok: false,
      interviews: 16,
      problems: [{ interviewId: edited.interviews[1]!.id, kind: 'answer', itemId: answer.itemId }],
    });
  }, 60_000);

  it('reads encrypted backups with --passphrase-file, and says plainly when the passphrase is missing or wrong', async () => {
    const { sealBundle } = await import('../../src/core/exchange/sealed-bundle.js');
    writeFileSync(file('sealed.json'), await sealBundle(a, 'säkerhetskopia 2026'));
    writeFileSync(file('pass.txt'), 'säkerhetskopia 2026\n');
    writeFileSync(file('wrong.txt'), 'inte rätt fras alls\n');
    const ok = await cli(['verify', '--passphrase-file', file('pass.txt'), file('sealed.json')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('sealed.json: intact (16 interviews');
    const report = await cli(['report', '--json', '--passphrase-file', file('pass.txt'), file('sealed.json')]);
    expect(report.code, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).scores.MED.n).toBeGreaterThan(0);

    const missing = await cli(['verify', file('sealed.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is an encrypted backup: give its passphrase with --passphrase-file');
    const wrong = await cli(['export', '--format', 'csv', '--passphrase-file', file('wrong.txt'), file('sealed.json')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('The passphrase is wrong');
    expect(wrong.stdout).toBe('');
  }, 60_000);
});
