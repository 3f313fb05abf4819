// The asi-interview command run as a child process (validate, schema, dispatcher), plus the JSON error locator in-process.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../src/cli/io.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO = 'instruments/demo/demo.json';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/asi-interview.js', ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

type Doc = { id: string; sections: { items: { id: string; when?: string }[] }[] };

/** Path of an item in the demo, e.g. sections[0].items[3], found rather than hard-coded so the demo may grow. */
function itemPath(doc: Doc, id: string): string {
  for (const [s, section] of doc.sections.entries()) {
    const i = section.items.findIndex((item) => item.id === id);
    if (i >= 0) return `sections[${s}].items[${i}]`;
  }
  throw new Error(`No item ${id} in the demo`);
}

let dir: string;
const file = (name: string) => join(dir, name);
const demo = JSON.parse(readFileSync(join(ROOT, DEMO), 'utf8')) as Doc;
const overlay = (items: Record<string, unknown>, instrument = 'demo') => JSON.stringify({ overlay: 'text', instrument, source: 'test', items });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-cli-'));
  const broken = structuredClone(demo);
  const find = (id: string) => broken.sections.flatMap((s) => s.items).find((i) => i.id === id)!;
  find('G_HOUSING_TIME').when = 'G_NOPE != 4';
  find('G_START').id = 'G_DATE';
  writeFileSync(file('broken.json'), JSON.stringify(broken, null, 2));
  writeFileSync(file('syntax.json'), '{\n  "id": "demo",\n  "version": 1.0.0\n}\n');
  writeFileSync(file('huge.json'), '');
  truncateSync(file('huge.json'), 21 * 1024 * 1024);
  writeFileSync(file('overlay.json'), overlay({ H_DAYS: { text: { sv: 'Antal dagar med kroppsliga besvär (30 dagar)?' } } }));
  writeFileSync(file('unknown-item.json'), overlay({ NOPE: { text: { sv: 'Finns inte' } } }));
  writeFileSync(file('local.json'), JSON.stringify({ ...demo, id: 'local' }));
  writeFileSync(file('local-overlay.json'), overlay({ H_DAYS: { text: { en: 'Days with physical problems?' } } }, 'local'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('asi-interview (child process)', { timeout: 30_000 }, () => {
  it('accepts the demo definition', async () => {
    const run = await cli('validate', DEMO);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^✓ instruments\/demo\/demo\.json: demo@\d+\.\d+\.\d+, \d+ items, \d+ rounds\n$/);
  });

  it('rejects a broken copy, naming each problem by its JSON path', async () => {
    const run = await cli('validate', file('broken.json'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file('broken.json')}: ${itemPath(demo, 'G_HOUSING_TIME')}.when: Unknown item "G_NOPE"`);
    expect(run.stdout).toContain(`${file('broken.json')}: ${itemPath(demo, 'G_START')}.id: Duplicate item id "G_DATE"`);
    expect(run.stdout).toMatch(new RegExp(`^2 problem\\(s\\) in ${file('broken.json').replace(/[.\\]/g, '\\$&')}$`, 'm'));
  });

  it('reports a JSON syntax error with line and column, and refuses files over 20 MB unread', async () => {
    const run = await cli('validate', file('syntax.json'), file('huge.json'), DEMO);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file('syntax.json')}: (document): Invalid JSON at line 3, column 17:`);
    expect(run.stdout).toContain(`${file('huge.json')}: (document): File is 21.0 MB; the limit is 20 MB`);
    expect(run.stdout).toContain('✓ instruments/demo/demo.json');
  });

  it('accepts overlays for the built-in demo, including the shipped example', async () => {
    const run = await cli('validate', file('overlay.json'), 'instruments/demo/overlays/example-sv.json');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`✓ ${file('overlay.json')}: text overlay for demo@`);
    expect(run.stdout).toContain('✓ instruments/demo/overlays/example-sv.json: text overlay for demo@');
  });

  it('accepts the shipped local overlay for DOK, which adds two questions', async () => {
    const run = await cli('validate', 'instruments/dok/overlays/example-local.json');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ instruments/dok/overlays/example-local.json: local overlay for dok@1.0.0, 1 items, 0 sections, 2 local questions added');
  });

  it('validates a file that embeds a built-in instrument, and says where an embed is wrong', async () => {
    const dok = JSON.parse(readFileSync(join(ROOT, 'instruments/dok/dok.json'), 'utf8'));
    writeFileSync(file('embeds.json'), JSON.stringify({ ...dok, id: 'dok-local' }));
    const at = dok.sections.findIndex((s: { embed?: string }) => s.embed);
    dok.sections[at] = { embed: 'audit', version: '0.9.0' };
    writeFileSync(file('bad-embed.json'), JSON.stringify(dok));
    const run = await cli('validate', file('embeds.json'), file('bad-embed.json'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✓ ${file('embeds.json')}: dok-local@1.0.0`);
    expect(run.stdout).toContain(`sections[${at}].version: Embed asks for "audit" version 0.9.0; the definition is 1.0.0`);
  });

  it('rejects an overlay with an unknown item', async () => {
    const run = await cli('validate', file('unknown-item.json'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file('unknown-item.json')}: items.NOPE: Unknown item "NOPE"`);
  });

  it('prints one JSON object per file with --json', async () => {
    const run = await cli('validate', '--json', DEMO, file('unknown-item.json'));
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { file: DEMO, valid: true, problems: [] },
      { file: file('unknown-item.json'), valid: false, problems: [{ path: 'items.NOPE', message: 'Unknown item "NOPE"' }] },
    ]);
  });

  it('needs --instrument for an overlay of an instrument that is not built in', async () => {
    const without = await cli('validate', file('local-overlay.json'));
    expect(without.code).toBe(1);
    expect(without.stdout).toContain(`${file('local-overlay.json')}: instrument: "local" is not a built-in instrument`);
    expect(without.stdout).toContain('--instrument');
    const withPath = await cli('validate', '--instrument', file('local.json'), file('local-overlay.json'));
    expect(withPath.code).toBe(0);
    expect(withPath.stdout).toContain('text overlay for local@');
  });

  it('exits 2 on an unknown command or option', async () => {
    const [command, option] = await Promise.all([cli('frobnicate'), cli('validate', '--frobnicate', DEMO)]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "frobnicate"');
    expect(command.stderr).toContain('Usage: asi-interview <command>');
    expect(command.stdout).toBe('');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--frobnicate'");
  });

  it('keeps the committed JSON Schemas identical to freshly generated ones', async () => {
    const [instrument, overlaySchema] = await Promise.all([cli('schema'), cli('schema', '--overlay')]);
    expect(instrument.code).toBe(0);
    expect(overlaySchema.code).toBe(0);
    const stale = 'is stale: run `npm run schema` and `node bin/asi-interview.js schema --overlay --out schema/overlay.schema.json`';
    expect(instrument.stdout, `schema/instrument.schema.json ${stale}`).toBe(readFileSync(join(ROOT, 'schema/instrument.schema.json'), 'utf8'));
    expect(overlaySchema.stdout, `schema/overlay.schema.json ${stale}`).toBe(readFileSync(join(ROOT, 'schema/overlay.schema.json'), 'utf8'));
  });
});

describe('parseJson', () => {
  const fault = (text: string) => {
    try {
      parseJson(text);
    } catch (error) {
      return (error as Error).message;
    }
    return 'parsed';
  };

  it('gives line and column of the fault and never quotes the input', () => {
    expect(fault('{\n  "a": [1,\n    2,,3]}')).toBe("Invalid JSON at line 3, column 7: Unexpected token ','");
    expect(fault('{"secret": tru}')).toBe("Invalid JSON at line 1, column 15: Unexpected token '}'");
    expect(fault('{"a": 1,}')).toBe('Invalid JSON at line 1, column 9: Expected double-quoted property name');
    expect(fault('')).toBe('Invalid JSON at line 1, column 1: Unexpected end of JSON input');
    expect(fault('{"secret": x}')).not.toContain('secret');
  });

  it('copes with deep nesting', () => {
    expect(fault('['.repeat(100_000))).toMatch(/^Invalid JSON at line 1, column \d+:/);
  });
});
