// Unit tests for instrument definitions: the demo, JSON Schema export, every class of invalid definition (with its JSON path), and each item kind's parse/check/format.
import { describe, expect, it } from 'vitest';
import demo from '../../instruments/demo/demo.json' with { type: 'json' };
import {
  builtinDefinition,
  checkAnswer,
  DefinitionError,
  formatAnswer,
  instrumentJsonSchema,
  ITEM_KINDS,
  loadInstrument,
  overlayJsonSchema,
  parseAnswer,
  validateInstrument,
  type CompiledInstrument,
  type DefinitionProblem,
} from '../../src/core/definition/index.js';

// The demo document as plain JSON, so a test can break any part of it.
type Doc = any;
const demoDoc = (): Doc => structuredClone(demo);

function problemsOf(doc: unknown): DefinitionProblem[] {
  const result = validateInstrument(doc);
  if (result.ok) throw new Error('expected the definition to be invalid');
  return result.problems;
}

/** A valid one-section instrument holding the given items. */
function minimal(items: unknown[], extra: Record<string, unknown> = {}): Doc {
  return {
    id: 'mini',
    version: '1.0.0',
    title: { sv: 'Mini', en: 'Mini' },
    source: 'Unit test',
    rounds: [{ id: 'intake', title: { sv: 'Inskrivning', en: 'Intake' } }],
    sections: [{ id: 'main', title: { sv: 'Del', en: 'Part' }, items }],
    ...extra,
  };
}
const text = (en: string) => ({ sv: en, en });

describe('the demo instrument', () => {
  it('validates and compiles', async () => {
    const raw = await builtinDefinition('demo');
    expect(validateInstrument(raw).ok).toBe(true);
    const instrument = loadInstrument(raw);
    expect(instrument.id).toBe('demo');
    expect(instrument.version).toBe('1.0.0');
    expect(instrument.items).toHaveLength(22);
    expect(instrument.itemsInRound('intake').map((i) => i.id)).toContain('G_START');
    expect(instrument.itemsInRound('follow-up').map((i) => i.id)).not.toContain('G_START');
    expect(instrument.itemsInRound('follow-up').map((i) => i.id)).not.toContain('A_YEARS');
    expect(instrument.scores.map((s) => [s.id, s.inputs])).toEqual([
      ['HEALTH', ['H_DAYS', 'H_TROUBLED', 'H_IMPORTANT']],
      ['WORK', ['W_LICENCE', 'W_CAR', 'W_DAYS', 'W_INCOME']],
    ]);
  });

  it('the JSON import and the built-in loader give the same document', async () => {
    expect(await builtinDefinition('demo')).toEqual(demo);
  });

  it('an unknown built-in instrument is a DefinitionError naming the available ones', async () => {
    await expect(builtinDefinition('asi-x')).rejects.toThrow('No built-in instrument "asi-x" (available: demo, asi, audit, dudit, adad, dok)');
  });
});

describe('JSON Schema export', () => {
  /** Every `kind` constant anywhere in the schema. */
  function kindConstants(node: unknown, found = new Set<string>()): Set<string> {
    if (Array.isArray(node)) node.forEach((n) => kindConstants(n, found));
    else if (node && typeof node === 'object') {
      const kind = (node as { properties?: { kind?: { const?: unknown } } }).properties?.kind?.const;
      if (typeof kind === 'string') found.add(kind);
      Object.values(node).forEach((n) => kindConstants(n, found));
    }
    return found;
  }

  it('the instrument schema is draft 2020-12 and names every item kind', () => {
    const schema = instrumentJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('asi-interview instrument definition');
    expect(schema.additionalProperties).toBe(false);
    expect([...kindConstants(schema)].sort()).toEqual(ITEM_KINDS.map((k) => k.kind).sort());
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'version', 'title', 'source', 'rounds', 'sections']));
  });

  it('the overlay schema is draft 2020-12 and fixes `overlay` to "text" or "local"', () => {
    const schema = overlayJsonSchema() as { $schema: string; title: string; properties: Record<string, { enum?: string[] }>; required: string[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('asi-interview text overlay');
    expect(schema.properties.overlay!.enum).toEqual(['text', 'local']);
    expect(schema.required).toEqual(expect.arrayContaining(['overlay', 'instrument', 'source']));
  });
});

describe('invalid definitions name the JSON path and the problem', () => {
  const cases: [name: string, mutate: (d: Doc) => void, expected: DefinitionProblem[]][] = [
    // Expressions
    [
      'unknown item in when',
      (d) => (d.sections[0].items[3].when = 'G_HOUSNG != 4'),
      [{ path: 'sections[0].items[3].when', message: 'Unknown item "G_HOUSNG" in expression "G_HOUSNG != 4" (item G_HOUSING_TIME)' }],
    ],
    [
      'unknown item in autofill.when',
      (d) => (d.sections[2].items[1].autofill[0].when = 'W_LICENSE = 0'),
      [{ path: 'sections[2].items[1].autofill[0].when', message: 'Unknown item "W_LICENSE" in expression "W_LICENSE = 0" (item W_CAR)' }],
    ],
    [
      'unknown item in validate.rule',
      (d) => (d.sections[1].items[4].validate[0].rule = 'H_DAYZ = 0'),
      [{ path: 'sections[1].items[4].validate[0].rule', message: 'Unknown item "H_DAYZ" in expression "H_DAYZ = 0" (item H_TROUBLED)' }],
    ],
    [
      'unknown item in a score formula',
      (d) => (d.scores[0].formula = 'H_DAYS/90 + FOO'),
      [{ path: 'scores[0].formula', message: 'Unknown item "FOO" in expression "H_DAYS/90 + FOO"' }],
    ],
    [
      'syntax error in when, with its position',
      (d) => (d.sections[0].items[3].when = 'G_HOUSING != 4 4'),
      [{ path: 'sections[0].items[3].when', message: 'Expression error: Unexpected "4" at position 15 (item G_HOUSING_TIME)' }],
    ],
    [
      'syntax error at the end of input',
      (d) => (d.sections[0].items[3].when = 'G_HOUSING != '),
      [{ path: 'sections[0].items[3].when', message: 'Expression error: Expected an expression at position 13 (end of input) (item G_HOUSING_TIME)' }],
    ],
    [
      'syntax error in autofill.when',
      (d) => (d.sections[2].items[1].autofill[0].when = 'W_LICENCE = = 0'),
      [{ path: 'sections[2].items[1].autofill[0].when', message: 'Expression error: Unexpected "=" at position 12 (item W_CAR)' }],
    ],
    [
      'syntax error in validate.rule',
      (d) => (d.sections[1].items[4].validate[0].rule = 'H_DAYS = 0 &'),
      [{ path: 'sections[1].items[4].validate[0].rule', message: 'Expression error: Unexpected character "&" at position 11 (item H_TROUBLED)' }],
    ],
    [
      'syntax error in a score formula',
      (d) => (d.scores[1].formula = '1 - (W_LICENCE/4 + )'),
      [{ path: 'scores[1].formula', message: 'Expression error: Unexpected ")" at position 19' }],
    ],
    [
      'a condition referring to a later item',
      (d) => (d.sections[0].items[3].when = 'G_HOUSING != 4 and H_HOSP > 0'),
      [{ path: 'sections[0].items[3].when', message: 'Condition of "G_HOUSING_TIME" refers to "H_HOSP", which comes later (item G_HOUSING_TIME)' }],
    ],
    [
      'a condition referring to itself',
      (d) => (d.sections[0].items[3].when = 'G_HOUSING_TIME > 0'),
      [{ path: 'sections[0].items[3].when', message: 'Condition of "G_HOUSING_TIME" refers to itself (item G_HOUSING_TIME)' }],
    ],
    [
      'an auto-fill condition referring to a later item',
      (d) => (d.sections[2].items[1].autofill[0].when = 'W_DAYS = 0'),
      [{ path: 'sections[2].items[1].autofill[0].when', message: 'Condition of "W_CAR" refers to "W_DAYS", which comes later (item W_CAR)' }],
    ],
    // Ids
    [
      'duplicate item id',
      (d) => (d.sections[0].items[1].id = 'G_DATE'),
      [{ path: 'sections[0].items[1].id', message: 'Duplicate item id "G_DATE" (item G_DATE)' }],
    ],
    ['duplicate section id', (d) => (d.sections[1].id = 'general'), [{ path: 'sections[1].id', message: 'Duplicate section id "general"' }]],
    [
      'duplicate round id',
      (d) => (d.rounds[1].id = 'intake'),
      [
        { path: 'rounds[1].id', message: 'Duplicate round id "intake"' },
        // H_HOSP's sinceLast now names a round that no longer exists.
        { path: 'sections[1].items[0].sinceLast[0]', message: 'Unknown round "follow-up" (rounds are: intake) (item H_HOSP)' },
      ],
    ],
    [
      'duplicate scale id',
      (d) => {
        d.scales[1].id = 'client04';
        d.sections[1].items[6].scale = 'client04';
        d.sections[3].items[4].scale = 'client04';
      },
      [{ path: 'scales[1].id', message: 'Duplicate scale id "client04"' }],
    ],
    // (the profile's reference to WORK is dropped so that each case shows only its own problem)
    ['duplicate score id', (d) => ((d.scores[1].id = 'HEALTH'), (d.profile[1].scores = [])), [{ path: 'scores[1].id', message: 'Duplicate score id "HEALTH"' }]],
    [
      'score id equal to an item id',
      (d) => ((d.scores[1].id = 'W_DAYS'), (d.profile[1].scores = [])),
      [{ path: 'scores[1].id', message: 'Score id "W_DAYS" is also an item id' }],
    ],
    ['profile naming an unknown score', (d) => (d.profile[1].scores = ['NOPE']), [{ path: 'profile[1].scores[0]', message: 'Unknown score "NOPE"' }]],
    ['profile naming an unknown rating item', (d) => (d.profile[0].ratings = ['NOPE']), [{ path: 'profile[0].ratings[0]', message: 'Unknown item "NOPE"' }]],
    ['dateItem that is not a date item', (d) => (d.dateItem = 'H_DAYS'), [{ path: 'dateItem', message: 'Item "H_DAYS" is a days item, not a date' }]],
    // Scores
    [
      'a score reported in a round that does not ask an input',
      (d) => (d.scores[0].formula = 'H_DAYS/90 + A_YEARS'),
      [{ path: 'scores[0].formula', message: 'Score "HEALTH" is reported in round "follow-up", which does not ask its input "A_YEARS"' }],
    ],
    [
      'allowCodes naming an item that is not an input',
      (d) => (d.scores[0].allowCodes = ['H_DAYS', 'W_DAYS']),
      [{ path: 'scores[0].allowCodes[1]', message: '"W_DAYS" is not an input of score "HEALTH"' }],
    ],
    // Scales and code lists
    [
      'scale kind naming an undefined scale',
      (d) => (d.sections[1].items[4].scale = 'client05'),
      [{ path: 'sections[1].items[4].scale', message: 'Scale "client05" is not defined in "scales" (item H_TROUBLED)' }],
    ],
    [
      'choice optionsFrom naming an undefined scale',
      (d) => {
        delete d.sections[0].items[2].options;
        d.sections[0].items[2].optionsFrom = 'housing';
      },
      [{ path: 'sections[0].items[2].optionsFrom', message: 'Scale "housing" is not defined in "scales" (item G_HOUSING)' }],
    ],
    [
      'choice with both options and optionsFrom',
      (d) => (d.sections[0].items[2].optionsFrom = 'client04'),
      [{ path: 'sections[0].items[2]', message: 'Code list "G_HOUSING" needs exactly one of "options" or "optionsFrom" (item G_HOUSING)' }],
    ],
    [
      'choice with neither options nor optionsFrom',
      (d) => delete d.sections[0].items[2].options,
      [{ path: 'sections[0].items[2]', message: 'Code list "G_HOUSING" needs exactly one of "options" or "optionsFrom" (item G_HOUSING)' }],
    ],
    [
      'duplicate option value in a choice',
      (d) => (d.sections[0].items[2].options[2].value = 1),
      [{ path: 'sections[0].items[2].options[2].value', message: 'Duplicate option value 1 in item "G_HOUSING" (item G_HOUSING)' }],
    ],
    [
      'duplicate option value in a scale',
      (d) => (d.scales[0].options[2].value = 1),
      [{ path: 'scales[0].options[2].value', message: 'Duplicate option value 1 in scale "client04"' }],
    ],
    [
      'scale band with min above max',
      (d) => (d.scales[1].bands[1] = { min: 3, max: 2, label: text('Slight') }),
      [{ path: 'scales[1].bands[1]', message: 'Band 3–2 has min above max' }],
    ],
    [
      'overlapping scale bands',
      (d) => (d.scales[1].bands[1].min = 1),
      [{ path: 'scales[1].bands[1]', message: 'Band 1–3 overlaps band 0–1' }],
    ],
    [
      'scale band not on option values',
      (d) => (d.scales[1].bands[4].max = 10),
      [{ path: 'scales[1].bands[4]', message: 'Band 8–10 does not start and end on option values of scale "severity09"' }],
    ],
    [
      'count with min above max',
      (d) => Object.assign(d.sections[1].items[0], { min: 5, max: 2 }),
      [{ path: 'sections[1].items[0].min', message: 'min is above max (item H_HOSP)' }],
    ],
    // Rounds
    [
      'unknown round in item rounds',
      (d) => (d.sections[3].items[1].rounds = ['intake', 'discharge']),
      [{ path: 'sections[3].items[1].rounds[1]', message: 'Unknown round "discharge" (rounds are: intake, follow-up) (item A_YEARS)' }],
    ],
    [
      'unknown round in section rounds',
      (d) => (d.sections[0].rounds = ['intake', 'exit']),
      [{ path: 'sections[0].rounds[1]', message: 'Unknown round "exit" (rounds are: intake, follow-up)' }],
    ],
    [
      'unknown round in score rounds',
      (d) => (d.scores[0].rounds = ['intake', 'exit']),
      [
        { path: 'scores[0].rounds[1]', message: 'Unknown round "exit" (rounds are: intake, follow-up)' },
        { path: 'scores[0].formula', message: 'Score "HEALTH" is reported in round "exit", which does not ask its input "H_DAYS"' },
        { path: 'scores[0].formula', message: 'Score "HEALTH" is reported in round "exit", which does not ask its input "H_TROUBLED"' },
        { path: 'scores[0].formula', message: 'Score "HEALTH" is reported in round "exit", which does not ask its input "H_IMPORTANT"' },
      ],
    ],
    [
      'unknown round in sinceLast',
      (d) => (d.sections[1].items[0].sinceLast = ['exit']),
      [{ path: 'sections[1].items[0].sinceLast[0]', message: 'Unknown round "exit" (rounds are: intake, follow-up) (item H_HOSP)' }],
    ],
    [
      'sinceLast naming a round that does not ask the item',
      (d) => (d.sections[1].items[0].rounds = ['intake']),
      [{ path: 'sections[1].items[0].sinceLast[0]', message: 'Round "follow-up" does not ask item "H_HOSP" (item H_HOSP)' }],
    ],
    // Auto-fill values and references
    [
      'auto-fill value outside the kind',
      (d) => (d.sections[2].items[1].autofill[0].value = 2),
      [{ path: 'sections[2].items[1].autofill[0].value', message: 'Auto-fill value 2 is not valid for item "W_CAR": Choose one of the codes 1, 0 (item W_CAR)' }],
    ],
    [
      'auto-fill value of the wrong type',
      (d) => (d.sections[2].items[1].autofill[0].value = 'ja'),
      [{ path: 'sections[2].items[1].autofill[0].value', message: 'Auto-fill value "ja" is not valid for item "W_CAR": Choose one of the codes 1, 0 (item W_CAR)' }],
    ],
    [
      'auto-fill with a special code the item does not allow',
      (d) => (d.sections[2].items[5].special = ['X']),
      [{ path: 'sections[2].items[5].autofill[0].value', message: 'Code N is not allowed for item "W_MAJORITY" (item W_MAJORITY)' }],
    ],
    [
      'unknown critical reference',
      (d) => (d.sections[1].items[1].critical = ['H_SEVERTY']),
      [{ path: 'sections[1].items[1].critical[0]', message: 'Unknown rating item "H_SEVERTY" (item H_CHRONIC)' }],
    ],
    [
      'cutoff for an unknown score',
      (d) => (d.cutoffs = [{ score: 'HEALTH', min: 0, label: text('Low'), source: 'x' }, { score: 'HELTH', min: 0.5, label: text('High'), source: 'x' }]),
      [{ path: 'cutoffs[1].score', message: 'Unknown score "HELTH"' }],
    ],
    [
      'change parameter for an unknown score',
      (d) => (d.changeParameters = [{ score: 'WRK', sd: 0.2, source: 'x' }]),
      [{ path: 'changeParameters[0].score', message: 'Unknown score "WRK"' }],
    ],
    // Structure (zod)
    [
      'wrong type',
      (d) => (d.sections[1].items[3].text = 'Days with problems'),
      [{ path: 'sections[1].items[3].text', message: 'Invalid input: expected object, received string (item H_DAYS)' }],
    ],
    [
      'missing field',
      (d) => delete d.sections[1].items[3].text,
      [{ path: 'sections[1].items[3].text', message: 'Invalid input: expected object, received undefined (item H_DAYS)' }],
    ],
    ['missing top-level field', (d) => delete d.source, [{ path: 'source', message: 'Invalid input: expected string, received undefined' }]],
    [
      'missing nested field',
      (d) => (d.scores[0].algorithm = { id: 'demo-health' }),
      [{ path: 'scores[0].algorithm.version', message: 'Invalid input: expected string, received undefined' }],
    ],
    [
      'empty Swedish text',
      (d) => (d.sections[1].items[3].text.sv = ''),
      [{ path: 'sections[1].items[3].text.sv', message: 'Swedish text is empty (item H_DAYS)' }],
    ],
    [
      'unknown key on an item',
      (d) => (d.sections[1].items[3].colour = 'red'),
      [{ path: 'sections[1].items[3]', message: 'Unrecognized key: "colour" (item H_DAYS)' }],
    ],
    ['unknown key at the top', (d) => (d.extra = 1), [{ path: '', message: 'Unrecognized key: "extra"' }]],
    ['a third language', (d) => (d.rounds[0].title.de = 'Aufnahme'), [{ path: 'rounds[0].title', message: 'Unrecognized key: "de"' }]],
    [
      'unknown item kind',
      (d) => (d.sections[1].items[3].kind = 'dayz'),
      [
        {
          path: 'sections[1].items[3].kind',
          message:
            "Invalid discriminator value. Expected 'days' | 'count' | 'money' | 'yesno' | 'scale' | 'choice' | 'duration' | 'date' | 'time' | 'text' (item H_DAYS)",
        },
      ],
    ],
    [
      'a field of another kind',
      (d) => (d.sections[1].items[3].maxLength = 10),
      [{ path: 'sections[1].items[3]', message: 'Unrecognized key: "maxLength" (item H_DAYS)' }],
    ],
    [
      'too few options',
      (d) => (d.sections[0].items[2].options = [{ value: 1, label: text('Own home') }]),
      [{ path: 'sections[0].items[2].options', message: 'Too small: expected array to have >=2 items (item G_HOUSING)' }],
    ],
    [
      'unknown special code',
      (d) => (d.sections[0].items[0].special = ['Y']),
      [{ path: 'sections[0].items[0].special[0]', message: 'Invalid option: expected one of "X"|"N" (item G_DATE)' }],
    ],
    ['rounds not a list', (d) => (d.rounds = 'intake'), [{ path: 'rounds', message: 'Invalid input: expected array, received string' }]],
    ['bad version string', (d) => (d.version = '1.0'), [{ path: 'version', message: 'Use a semantic version such as 1.0.0' }]],
    ['bad instrument id', (d) => (d.id = 'Demo'), [{ path: 'id', message: 'Use lower-case letters, digits and - only, starting with a letter' }]],
  ];

  it.each(cases)('%s', (_name, mutate, expected) => {
    const doc = demoDoc();
    mutate(doc);
    expect(problemsOf(doc)).toEqual(expected);
  });

  it('accepts a prerelease version', () => {
    const doc = demoDoc();
    doc.version = '2.1.0-rc.1';
    expect(validateInstrument(doc).ok).toBe(true);
  });

  it('a document that is not an object', () => {
    expect(problemsOf(null)).toEqual([{ path: '', message: 'Invalid input: expected object, received null' }]);
    expect(problemsOf([])).toEqual([{ path: '', message: 'Invalid input: expected object, received array' }]);
    expect(problemsOf('demo')).toEqual([{ path: '', message: 'Invalid input: expected object, received string' }]);
  });
});

describe('hostile shapes', () => {
  const hostileKeys = ['__proto__', 'constructor', 'prototype'] as const;

  it.each(hostileKeys)('rejects a "%s" key at the top level', (key) => {
    const doc = JSON.parse(`{"${key}": {"polluted": true}, "id": "demo"}`);
    expect(Object.keys(doc)).toContain(key);
    expect(problemsOf(doc)).toEqual([{ path: key, message: `Key "${key}" is not allowed` }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(hostileKeys)('rejects a nested "%s" key and leaves Object.prototype untouched', (key) => {
    const json = JSON.stringify(demo).replace('"id":"H_DAYS"', `"${key}":{"polluted":true,"toString":1},"id":"H_DAYS"`);
    const doc = JSON.parse(json);
    expect(problemsOf(doc)).toEqual([{ path: `sections[1].items[3].${key}`, message: `Key "${key}" is not allowed` }]);
    expect(() => loadInstrument(doc)).toThrow(DefinitionError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.toString).toBeTypeOf('function');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });

  it('rejects a document nested too deeply, naming where', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    const doc = demoDoc();
    doc.sections[0].items[0].source = deep;
    expect(problemsOf(doc)).toEqual([
      { path: `sections[0].items[0].source${'[0]'.repeat(28)}`, message: 'Document is nested too deeply (more than 32 levels)' },
    ]);
  });

  it('rejects a document with too many values', () => {
    const doc = demoDoc();
    doc.sections[0].items[0].source = new Array(200_001).fill(0);
    const [problem, ...rest] = problemsOf(doc);
    expect(rest).toEqual([]);
    expect(problem!.message).toBe('Document is too large (more than 200000 values)');
    expect(problem!.path).toMatch(/^sections\[0\]\.items\[0\]\.source\[\d+\]$/);
  });
});

describe('loadInstrument', () => {
  it('throws a DefinitionError listing every problem at once', () => {
    const doc = demoDoc();
    doc.version = '1';
    doc.sections[1].id = 'general';
    doc.scores[0].formula = 'H_DAYS/90 + FOO';
    doc.sections[2].items[1].autofill[0].value = 7;
    let error: unknown;
    try {
      loadInstrument(doc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    const problems = (error as DefinitionError).problems;
    expect(problems).toEqual([
      { path: 'version', message: 'Use a semantic version such as 1.0.0' },
      { path: 'sections[1].id', message: 'Duplicate section id "general"' },
      { path: 'sections[2].items[1].autofill[0].value', message: 'Auto-fill value 7 is not valid for item "W_CAR": Choose one of the codes 1, 0 (item W_CAR)' },
      { path: 'scores[0].formula', message: 'Unknown item "FOO" in expression "H_DAYS/90 + FOO"' },
    ]);
    expect((error as DefinitionError).name).toBe('DefinitionError');
    expect((error as DefinitionError).message).toBe(
      'Instrument definition is not valid:\n' +
        '  version: Use a semantic version such as 1.0.0\n' +
        '  sections[1].id: Duplicate section id "general"\n' +
        '  sections[2].items[1].autofill[0].value: Auto-fill value 7 is not valid for item "W_CAR": Choose one of the codes 1, 0 (item W_CAR)\n' +
        '  scores[0].formula: Unknown item "FOO" in expression "H_DAYS/90 + FOO"',
    );
  });

  it('labels a whole-document problem "(document)" in the message', () => {
    expect(() => loadInstrument(42)).toThrow('Instrument definition is not valid:\n  (document): Invalid input: expected object, received number');
  });

  it('does not modify the document it validates', () => {
    const doc = demoDoc();
    const before = JSON.stringify(doc);
    loadInstrument(doc);
    expect(JSON.stringify(doc)).toBe(before);
  });
});

describe('item kinds: parse, check and format', () => {
  const instrument = loadInstrument(demo);
  const mini = loadInstrument(
    minimal([
      { id: 'C', kind: 'count', unit: 'people', min: 1, max: 12, text: text('How many?') },
      { id: 'T', kind: 'text', maxLength: 5, text: text('Short note') },
      { id: 'D', kind: 'duration', maxYears: 2, text: text('How long?') },
      { id: 'M', kind: 'money', currency: 'EUR', max: 1000, special: ['N'], text: text('Euros') },
      { id: 'S', kind: 'choice', optionsFrom: 'agree', text: text('Agree?') },
    ], { scales: [{ id: 'agree', options: [{ value: 0, label: text('No') }, { value: 1, label: text('Yes') }, { value: 9, label: text('Unsure') }] }] }),
  );
  const itemOf = (inst: CompiledInstrument, id: string) => {
    const item = inst.item(id);
    if (!item) throw new Error(`no item ${id}`);
    return item;
  };
  const parse = (id: string, input: string, inst = instrument) => parseAnswer(inst, itemOf(inst, id), input);
  const check = (id: string, value: unknown, inst = instrument) => checkAnswer(inst, itemOf(inst, id), value);
  const format = (id: string, value: number | string, lang: 'sv' | 'en', inst = instrument) => formatAnswer(inst, itemOf(inst, id), value, lang);
  const ok = (value: number | string) => ({ ok: true, value });
  const fail = (sv: string, en: string) => ({ ok: false, message: { sv, en } });

  it('days: 0–30 whole days', () => {
    expect(parse('H_DAYS', '0')).toEqual(ok(0));
    expect(parse('H_DAYS', ' 30 ')).toEqual(ok(30));
    expect(parse('H_DAYS', '31')).toEqual(fail('Ange ett tal från 0 till 30', 'Enter a number from 0 to 30'));
    expect(parse('H_DAYS', '-1')).toEqual(fail('Ange ett tal från 0 till 30', 'Enter a number from 0 to 30'));
    expect(parse('H_DAYS', '2.5')).toEqual(fail('Ange ett heltal', 'Enter a whole number'));
    expect(parse('H_DAYS', 'abc')).toEqual(fail('Ange ett heltal', 'Enter a whole number'));
    expect(check('H_DAYS', 2.5)).toEqual({ sv: 'Ange ett heltal', en: 'Enter a whole number' });
    expect(check('H_DAYS', '5')).toEqual({ sv: 'Ange ett heltal', en: 'Enter a whole number' });
    expect(check('H_DAYS', 12)).toBeNull();
    expect(format('H_DAYS', 12, 'sv')).toBe('12 dagar');
    expect(format('H_DAYS', 12, 'en')).toBe('12 days');
  });

  it('count: default 0–9999, and the item’s own min/max', () => {
    expect(parse('H_HOSP', '0')).toEqual(ok(0));
    expect(parse('H_HOSP', '9 999')).toEqual(ok(9999));
    expect(parse('H_HOSP', '10000')).toEqual(fail('Ange ett tal från 0 till 9999', 'Enter a number from 0 to 9999'));
    expect(format('H_HOSP', 3, 'sv')).toBe('3 gånger');
    expect(format('H_HOSP', 3, 'en')).toBe('3 times');
    expect(parse('C', '0', mini)).toEqual(fail('Ange ett tal från 1 till 12', 'Enter a number from 1 to 12'));
    expect(parse('C', '1', mini)).toEqual(ok(1));
    expect(parse('C', '12', mini)).toEqual(ok(12));
    expect(parse('C', '13', mini)).toEqual(fail('Ange ett tal från 1 till 12', 'Enter a number from 1 to 12'));
    expect(format('C', 4, 'sv', mini)).toBe('4 personer');
  });

  it('money: spaces (and no-break spaces) as thousand separators; currency in the format', () => {
    expect(parse('W_INCOME', '12 500')).toEqual(ok(12500));
    expect(parse('W_INCOME', '12\u00a0500')).toEqual(ok(12500));
    expect(parse('W_INCOME', '1 000 000')).toEqual(ok(1_000_000));
    expect(parse('W_INCOME', '10000001')).toEqual(fail('Ange ett tal från 0 till 10000000', 'Enter a number from 0 to 10000000'));
    expect(parse('W_INCOME', '-5')).toEqual(fail('Ange ett tal från 0 till 10000000', 'Enter a number from 0 to 10000000'));
    expect(parse('W_INCOME', '12,50')).toEqual(fail('Ange ett heltal', 'Enter a whole number'));
    expect(format('W_INCOME', 12500, 'sv')).toBe('12\u00a0500 kr');
    expect(format('W_INCOME', 12500, 'en')).toBe('12,500 SEK');
    expect(parse('M', '1001', mini)).toEqual(fail('Ange ett tal från 0 till 1000', 'Enter a number from 0 to 1000'));
    expect(format('M', 1000, 'sv', mini)).toBe('1\u00a0000 EUR');
  });

  it('yes/no: 1, 0 and yes words in either language', () => {
    for (const yes of ['1', 'j', 'J', 'y', 'ja', 'Ja', 'yes', 'YES']) expect(parse('H_CHRONIC', yes)).toEqual(ok(1));
    expect(parse('H_CHRONIC', '0')).toEqual(ok(0));
    expect(parse('H_CHRONIC', '2')).toEqual(fail('Välj en av koderna 1, 0', 'Choose one of the codes 1, 0'));
    expect(parse('H_CHRONIC', 'nej')).toEqual(fail('Ange en kod', 'Enter a code'));
    expect(format('H_CHRONIC', 1, 'sv')).toBe('1 Ja');
    expect(format('H_CHRONIC', 0, 'en')).toBe('0 No');
  });

  it('scale and choice: only the defined codes', () => {
    expect(parse('H_TROUBLED', '4')).toEqual(ok(4));
    expect(parse('H_TROUBLED', '5')).toEqual(fail('Välj en av koderna 0, 1, 2, 3, 4', 'Choose one of the codes 0, 1, 2, 3, 4'));
    expect(format('H_TROUBLED', 2, 'sv')).toBe('2 Måttligt');
    expect(format('H_TROUBLED', 2, 'en')).toBe('2 Moderately');
    expect(parse('H_SEVERITY', '9')).toEqual(ok(9));
    expect(parse('G_HOUSING', '4')).toEqual(ok(4));
    expect(parse('G_HOUSING', '0')).toEqual(fail('Välj en av koderna 1, 2, 3, 4', 'Choose one of the codes 1, 2, 3, 4'));
    expect(format('G_HOUSING', 4, 'en')).toBe('4 No stable housing');
    expect(format('G_HOUSING', 7, 'en')).toBe('7');
    expect(parse('S', '9', mini)).toEqual(ok(9));
    expect(parse('S', '2', mini)).toEqual(fail('Välj en av koderna 0, 1, 9', 'Choose one of the codes 0, 1, 9'));
    expect(itemOf(mini, 'S').options).toEqual([
      { value: 0, label: text('No') },
      { value: 1, label: text('Yes') },
      { value: 9, label: text('Unsure') },
    ]);
  });

  it('duration: years and months, stored as months', () => {
    expect(parse('G_HOUSING_TIME', '2 6')).toEqual(ok(30));
    expect(parse('G_HOUSING_TIME', '3')).toEqual(ok(36));
    expect(parse('G_HOUSING_TIME', '18m')).toEqual(ok(18));
    expect(parse('G_HOUSING_TIME', '3y6m')).toEqual(ok(42));
    expect(parse('G_HOUSING_TIME', '1 år 2 mån')).toEqual(ok(14));
    expect(parse('G_HOUSING_TIME', '0 11')).toEqual(ok(11));
    const bad = fail('Ange år och månader, t.ex. 3 6', 'Enter years and months, e.g. 3 6');
    expect(parse('G_HOUSING_TIME', '2 13')).toEqual(bad);
    expect(parse('G_HOUSING_TIME', 'lång tid')).toEqual(bad);
    expect(parse('G_HOUSING_TIME', '100')).toEqual(bad);
    expect(check('G_HOUSING_TIME', 99 * 12 + 11)).toBeNull();
    expect(check('G_HOUSING_TIME', 99 * 12 + 12)).toEqual(bad.message);
    expect(parse('D', '2 11', mini)).toEqual(ok(35));
    expect(parse('D', '3', mini)).toEqual(bad);
    expect(format('G_HOUSING_TIME', 30, 'sv')).toBe('2 år 6 mån');
    expect(format('G_HOUSING_TIME', 30, 'en')).toBe('2 y 6 m');
  });

  it('date: ISO or compact, real calendar dates only', () => {
    expect(parse('G_DATE', '2026-03-14')).toEqual(ok('2026-03-14'));
    expect(parse('G_DATE', '20260314')).toEqual(ok('2026-03-14'));
    expect(parse('G_DATE', '2024-02-29')).toEqual(ok('2024-02-29'));
    const bad = fail('Ange ett datum ÅÅÅÅ-MM-DD', 'Enter a date YYYY-MM-DD');
    expect(parse('G_DATE', '2026-02-30')).toEqual(bad);
    expect(parse('G_DATE', '2025-02-29')).toEqual(bad);
    expect(parse('G_DATE', '20261301')).toEqual(bad);
    expect(parse('G_DATE', '14/3/2026')).toEqual(bad);
    expect(check('G_DATE', '2026-3-14')).toEqual(bad.message);
    expect(format('G_DATE', '2026-03-14', 'sv')).toBe('2026-03-14');
  });

  it('time: HH:MM, 0930 and 9:30, within the day', () => {
    expect(parse('G_START', '09:30')).toEqual(ok('09:30'));
    expect(parse('G_START', '0930')).toEqual(ok('09:30'));
    expect(parse('G_START', '9:30')).toEqual(ok('09:30'));
    expect(parse('G_START', '9.30')).toEqual(ok('09:30'));
    expect(parse('G_START', '23:59')).toEqual(ok('23:59'));
    const bad = fail('Ange en tid TT:MM', 'Enter a time HH:MM');
    expect(parse('G_START', '24:00')).toEqual(bad);
    expect(parse('G_START', '12:60')).toEqual(bad);
    expect(parse('G_START', '930')).toEqual(bad);
    expect(check('G_START', '9:30')).toEqual(bad.message);
  });

  it('text: trimmed, not empty, at most maxLength characters', () => {
    expect(parse('H_CHRONIC_SPEC', '  Astma  ')).toEqual(ok('Astma'));
    expect(parse('T', 'abcde', mini)).toEqual(ok('abcde'));
    expect(parse('T', 'abcdef', mini)).toEqual(fail('Högst 5 tecken', 'At most 5 characters'));
    expect(check('H_CHRONIC_SPEC', '   ')).toEqual({ sv: 'Skriv ett svar', en: 'Write an answer' });
    expect(check('H_CHRONIC_SPEC', 'x'.repeat(2000))).toBeNull();
    expect(check('H_CHRONIC_SPEC', 'x'.repeat(2001))).toEqual({ sv: 'Högst 2000 tecken', en: 'At most 2000 characters' });
    expect(format('H_CHRONIC_SPEC', 'Astma', 'en')).toBe('Astma');
  });

  it('empty input asks for an answer, offering only the codes the item allows', () => {
    expect(parse('H_DAYS', '   ')).toEqual(fail('Svara, eller ange X eller N', 'Answer, or enter X or N'));
    expect(parse('G_START', '')).toEqual(fail('Svara, eller ange X', 'Answer, or enter X'));
    expect(parse('G_DATE', '')).toEqual(fail('Svara på frågan', 'Answer the question'));
  });

  describe('special codes', () => {
    it('x, n, X and N become codes where the item allows them', () => {
      for (const [input, code] of [['x', 'X'], ['X', 'X'], [' n ', 'N'], ['N', 'N']] as const) {
        expect(parse('H_DAYS', input)).toEqual(ok(code));
        expect(parse('H_CHRONIC', input)).toEqual(ok(code));
      }
      expect(parse('G_START', 'x')).toEqual(ok('X'));
      expect(parse('M', 'n', mini)).toEqual(ok('N'));
    });

    it('are refused where the item does not allow them', () => {
      expect(parse('G_START', 'n')).toEqual(fail('Koden N är inte tillåten här', 'Code N is not allowed here'));
      expect(parse('G_DATE', 'X')).toEqual(fail('Koden X är inte tillåten här', 'Code X is not allowed here'));
      expect(parse('H_SEVERITY', 'x')).toEqual(fail('Koden X är inte tillåten här', 'Code X is not allowed here'));
      expect(parse('M', 'X', mini)).toEqual(fail('Koden X är inte tillåten här', 'Code X is not allowed here'));
    });

    it('in free text, lower-case x and n are text, and upper-case X and N are codes checked against the item', () => {
      expect(parse('H_CHRONIC_SPEC', 'x')).toEqual(ok('x'));
      expect(parse('H_CHRONIC_SPEC', 'n')).toEqual(ok('n'));
      expect(parse('H_CHRONIC_SPEC', 'X')).toEqual(ok('X'));
      expect(parse('H_CHRONIC_SPEC', 'N')).toEqual(fail('Koden N är inte tillåten här', 'Code N is not allowed here'));
    });

    it('format in words', () => {
      expect(format('H_DAYS', 'X', 'sv')).toBe('X (inget svar)');
      expect(format('H_DAYS', 'X', 'en')).toBe('X (not answered)');
      expect(format('H_DAYS', 'N', 'sv')).toBe('N (ej tillämpligt)');
      expect(format('H_DAYS', 'N', 'en')).toBe('N (not applicable)');
    });
  });

  describe('checkAnswer on values from any source', () => {
    it('rejects non-finite numbers', () => {
      for (const value of [NaN, Infinity, -Infinity]) {
        expect(check('H_DAYS', value)).toEqual({ sv: 'Ogiltigt tal', en: 'Not a valid number' });
        expect(check('G_HOUSING_TIME', value)).toEqual({ sv: 'Ogiltigt tal', en: 'Not a valid number' });
      }
    });

    it('rejects objects, arrays, booleans, null and undefined', () => {
      for (const value of [{ value: 3 }, [3], true, null, undefined]) {
        expect(check('H_DAYS', value)).toEqual({ sv: 'Ogiltigt svar', en: 'Not a valid answer' });
      }
    });

    it('rejects codes the item does not allow and accepts those it does', () => {
      expect(check('H_SEVERITY', 'X')).toEqual({ sv: 'Koden X är inte tillåten här', en: 'Code X is not allowed here' });
      expect(check('G_START', 'N')).toEqual({ sv: 'Koden N är inte tillåten här', en: 'Code N is not allowed here' });
      expect(check('G_START', 'X')).toBeNull();
      expect(check('W_MAJORITY', 'N')).toBeNull();
    });

    it('checks a value against its kind', () => {
      expect(check('H_TROUBLED', 3)).toBeNull();
      expect(check('H_TROUBLED', 3.5)).toEqual({ sv: 'Välj en av koderna 0, 1, 2, 3, 4', en: 'Choose one of the codes 0, 1, 2, 3, 4' });
      expect(check('G_DATE', 20260314)).toEqual({ sv: 'Ange ett datum ÅÅÅÅ-MM-DD', en: 'Enter a date YYYY-MM-DD' });
      expect(check('W_INCOME', 12500)).toBeNull();
    });
  });
});
