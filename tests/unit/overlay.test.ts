// Unit tests for text overlays: replacing item, option and section text per language, validation problems with paths, and no mutation.
import { describe, expect, it } from 'vitest';
import demo from '../../instruments/demo/demo.json' with { type: 'json' };
import {
  applyOverlay,
  compileWithOverlays,
  DefinitionError,
  isOverlayDocument,
  loadInstrument,
  validateOverlay,
  type DefinitionProblem,
  type InstrumentDef,
} from '../../src/core/definition/index.js';

const freshDef = (): InstrumentDef => loadInstrument(structuredClone(demo)).def;
const base = { overlay: 'text', instrument: 'demo', source: 'Licensed wording, Example County 2026' } as const;

const itemOf = (def: InstrumentDef, id: string) => {
  const item = def.sections.flatMap((s) => s.items).find((i) => i.id === id);
  if (!item) throw new Error(`no item ${id}`);
  return item;
};
const sectionOf = (def: InstrumentDef, id: string) => {
  const section = def.sections.find((s) => s.id === id);
  if (!section) throw new Error(`no section ${id}`);
  return section;
};

function problemsOf(doc: unknown, def = freshDef()): DefinitionProblem[] {
  const result = validateOverlay(doc, def);
  if (result.ok) throw new Error('expected the overlay to be invalid');
  return result.problems;
}

describe('a valid overlay', () => {
  const overlay = {
    ...base,
    version: '1.0.0',
    items: {
      H_DAYS: { text: { sv: 'Antal dagar med kroppsliga besvär, senaste 30 dagarna?' } },
      G_DATE: { help: { en: 'YYYY-MM-DD, or YYYYMMDD.' } },
      G_HOUSING: { text: { en: 'Your current housing?' }, options: { '1': { sv: 'Egen lägenhet eller eget hus' }, '4': { en: 'Homeless' } } },
      W_CAR: { help: { sv: 'Egen bil eller lånad.', en: 'Own car or borrowed.' } },
    },
    sections: {
      health: { title: { en: 'Medical status' } },
      work: { help: { sv: 'Frågor om arbete.', en: 'Questions about work.' } },
    },
  };

  it('validates', () => {
    const result = validateOverlay(overlay, freshDef());
    expect(result.ok).toBe(true);
    expect(isOverlayDocument(overlay)).toBe(true);
    expect(isOverlayDocument(demo)).toBe(false);
  });

  it('replaces sv or en text of items and keeps the other language', () => {
    const before = freshDef();
    const after = applyOverlay(before, overlay);
    expect(itemOf(after, 'H_DAYS').text).toEqual({
      sv: 'Antal dagar med kroppsliga besvär, senaste 30 dagarna?',
      en: itemOf(before, 'H_DAYS').text.en,
    });
    expect(itemOf(after, 'G_HOUSING').text).toEqual({ sv: 'Hur bor du just nu?', en: 'Your current housing?' });
    expect(itemOf(after, 'G_DATE').help).toEqual({ sv: 'Skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅMMDD.', en: 'YYYY-MM-DD, or YYYYMMDD.' });
    expect(itemOf(after, 'G_DATE').text).toEqual(itemOf(before, 'G_DATE').text);
  });

  it('adds help to an item that had none', () => {
    const after = applyOverlay(freshDef(), overlay);
    expect(itemOf(after, 'W_CAR').help).toEqual({ sv: 'Egen bil eller lånad.', en: 'Own car or borrowed.' });
  });

  it('replaces option labels per language and leaves the other options alone', () => {
    const after = applyOverlay(freshDef(), overlay);
    expect(itemOf(after, 'G_HOUSING').options).toEqual([
      { value: 1, label: { sv: 'Egen lägenhet eller eget hus', en: 'Own home' } },
      { value: 2, label: { sv: 'Hos familj eller vänner', en: 'With family or friends' } },
      { value: 3, label: { sv: 'Boende med stöd', en: 'Supported housing' } },
      { value: 4, label: { sv: 'Utan fast bostad', en: 'Homeless' } },
    ]);
  });

  it('replaces section titles and adds section help', () => {
    const after = applyOverlay(freshDef(), overlay);
    expect(sectionOf(after, 'health').title).toEqual({ sv: 'Fysisk hälsa', en: 'Medical status' });
    expect(sectionOf(after, 'work').help).toEqual({ sv: 'Frågor om arbete.', en: 'Questions about work.' });
    expect(sectionOf(after, 'alcohol')).toEqual(sectionOf(freshDef(), 'alcohol'));
    expect('help' in sectionOf(after, 'alcohol')).toBe(false);
  });

  it('changes nothing but text: ids, kinds, rounds, conditions and scores stay', () => {
    const before = freshDef();
    const after = applyOverlay(before, overlay);
    const shape = (def: InstrumentDef) =>
      JSON.stringify(def, (key, value) => (['text', 'help', 'label', 'title'].includes(key) ? undefined : value));
    expect(shape(after)).toBe(shape(before));
    // Items without a patch are the very same objects.
    expect(itemOf(after, 'A_DAYS')).toBe(itemOf(before, 'A_DAYS'));
  });

  it('never mutates the definition it is applied to', () => {
    const def = freshDef();
    const snapshot = structuredClone(def);
    applyOverlay(def, overlay);
    expect(def).toEqual(snapshot);
    expect(() => applyOverlay(def, { ...base, items: { NOPE: { text: { sv: 'x' } } } })).toThrow(DefinitionError);
    expect(def).toEqual(snapshot);
  });

  it('several overlays apply in order, the last one winning', () => {
    const instrument = compileWithOverlays(freshDef(), [
      { ...base, items: { H_DAYS: { text: { sv: 'Första', en: 'First' } } } },
      { ...base, items: { H_DAYS: { text: { en: 'Second' } } } },
    ]);
    expect(instrument.item('H_DAYS')!.def.text).toEqual({ sv: 'Första', en: 'Second' });
  });

  it('an overlay without a version applies to any version', () => {
    const def = { ...freshDef(), version: '3.0.0' };
    expect(validateOverlay({ ...base, items: { H_DAYS: { text: { en: 'Days' } } } }, def).ok).toBe(true);
  });
});

describe('invalid overlays name the path in the overlay file', () => {
  const cases: [name: string, overlay: unknown, expected: DefinitionProblem[]][] = [
    ['unknown item', { ...base, items: { H_DAYZ: { text: { en: 'Days' } } } }, [{ path: 'items.H_DAYZ', message: 'Unknown item "H_DAYZ"' }]],
    ['unknown section', { ...base, sections: { healht: { title: { en: 'Health' } } } }, [{ path: 'sections.healht', message: 'Unknown section "healht"' }]],
    [
      'unknown option code',
      { ...base, items: { G_HOUSING: { options: { '5': { en: 'Prison' } } } } },
      [{ path: 'items.G_HOUSING.options.5', message: 'Item "G_HOUSING" has no inline option 5' }],
    ],
    [
      'option of an item whose options come from a scale',
      { ...base, items: { H_TROUBLED: { options: { '1': { en: 'A little' } } } } },
      [{ path: 'items.H_TROUBLED.options.1', message: 'Item "H_TROUBLED" has no inline option 1' }],
    ],
    ['wrong instrument id', { ...base, instrument: 'asi' }, [{ path: 'instrument', message: 'Overlay is for "asi", not "demo"' }]],
    ['version mismatch', { ...base, version: '2.0.0' }, [{ path: 'version', message: 'Overlay was written for version 2.0.0; the definition is 1.0.0' }]],
    [
      'several problems at once',
      { ...base, instrument: 'asi', items: { X1: { text: { en: 'x' } } }, sections: { s1: { title: { en: 'x' } } } },
      [
        { path: 'instrument', message: 'Overlay is for "asi", not "demo"' },
        { path: 'items.X1', message: 'Unknown item "X1"' },
        { path: 'sections.s1', message: 'Unknown section "s1"' },
      ],
    ],
    // Structural (zod)
    ['missing source', { overlay: 'text', instrument: 'demo' }, [{ path: 'source', message: 'Invalid input: expected string, received undefined' }]],
    ['not an overlay kind', { ...base, overlay: 'structure' }, [{ path: 'overlay', message: 'Invalid option: expected one of "text"|"local"' }]],
    ['unknown top-level key', { ...base, scores: {} }, [{ path: '', message: 'Unrecognized key: "scores"' }]],
    ['unknown item field', { ...base, items: { G_DATE: { label: { sv: 'Datum' } } } }, [{ path: 'items.G_DATE', message: 'Unrecognized key: "label"' }]],
    ['text with no language', { ...base, items: { G_DATE: { text: {} } } }, [{ path: 'items.G_DATE.text', message: 'Give text for sv, en or both' }]],
    [
      'empty text',
      { ...base, items: { G_DATE: { text: { sv: '' } } } },
      [{ path: 'items.G_DATE.text.sv', message: 'Too small: expected string to have >=1 characters' }],
    ],
    [
      'text of the wrong type',
      { ...base, sections: { general: { title: 'Allmänt' } } },
      [{ path: 'sections.general.title', message: 'Invalid input: expected object, received string' }],
    ],
    [
      'option key that is not a value',
      { ...base, items: { G_HOUSING: { options: { own: { sv: 'Egen' } } } } },
      [{ path: 'items.G_HOUSING.options.own', message: 'Option keys are the option values' }],
    ],
    [
      'a __proto__ key (as JSON.parse makes it)',
      JSON.parse('{"overlay":"text","instrument":"demo","source":"s","items":{"__proto__":{"text":{"sv":"x"}}}}'),
      [{ path: 'items.__proto__', message: 'Key "__proto__" is not allowed' }],
    ],
    ['not an object', 'text', [{ path: '', message: 'Invalid input: expected object, received string' }]],
  ];

  it.each(cases)('%s', (_name, overlay, expected) => {
    expect(problemsOf(overlay)).toEqual(expected);
    expect(({} as Record<string, unknown>).text).toBeUndefined();
  });

  it('applyOverlay throws a DefinitionError listing the problems', () => {
    const def = freshDef();
    let error: unknown;
    try {
      applyOverlay(def, { ...base, version: '0.9.0', items: { H_DAYZ: { text: { en: 'Days' } } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).problems).toEqual([
      { path: 'version', message: 'Overlay was written for version 0.9.0; the definition is 1.0.0' },
      { path: 'items.H_DAYZ', message: 'Unknown item "H_DAYZ"' },
    ]);
    expect((error as DefinitionError).message).toBe(
      'Text overlay is not valid:\n  version: Overlay was written for version 0.9.0; the definition is 1.0.0\n  items.H_DAYZ: Unknown item "H_DAYZ"',
    );
  });
});
