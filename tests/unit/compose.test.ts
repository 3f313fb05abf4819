// Unit tests for composed definitions: blocks copied into sections, embedded definitions, and local questions from overlays.
import { describe, expect, it } from 'vitest';
import demo from '../../instruments/demo/demo.json' with { type: 'json' };
import audit from '../../instruments/audit/audit.json' with { type: 'json' };
import {
  builtinDefinition,
  compileWithOverlays,
  loadInstrument,
  resolveDefinition,
  validateInstrument,
  validateOverlay,
  type InstrumentDef,
} from '../../src/core/definition/index.js';
import { computeScores } from '../../src/core/scoring/index.js';

const text = (en: string) => ({ sv: en, en });
const changeBlock = {
  id: 'change',
  items: [
    { id: 'WORRY', kind: 'yesno', text: text('Worried?') },
    { id: 'WANT', kind: 'yesno', text: text('Want to change?') },
    { id: 'WHAT', kind: 'text', text: text('What?'), when: 'WANT = 1 and is(WORRY, "X") = 0' },
    { id: 'SINCE', kind: 'yesno', text: text('Changed since intake?'), rounds: ['follow-up'] },
  ],
};
const withBlocks = (patch: Record<string, unknown> = {}) => {
  const doc = structuredClone(demo) as unknown as Record<string, any>;
  doc.blocks = [changeBlock];
  doc.sections[1].blocks = ['change'];
  doc.sections[3].blocks = ['change'];
  doc.sections[3].rounds = ['intake'];
  return { ...doc, ...patch };
};

describe('blocks', () => {
  const def = loadInstrument(withBlocks());

  it('end each section that lists them, with ids <section>_<item>', () => {
    expect(def.sections[1]!.items.slice(-4).map((i) => i.id)).toEqual(['health_WORRY', 'health_WANT', 'health_WHAT', 'health_SINCE']);
    expect(def.item('alcohol_WORRY')?.section.id).toBe('alcohol');
  });

  it('rename bare block ids in expressions to the same section’s copy, leaving strings and functions alone', () => {
    expect(def.item('health_WHAT')!.def.when).toBe('health_WANT = 1 and is(health_WORRY, "X") = 0');
    expect(def.item('alcohol_WHAT')!.def.when).toBe('alcohol_WANT = 1 and is(alcohol_WORRY, "X") = 0');
  });

  it('keep a block item’s rounds within its section’s: a follow-up item is not copied into an intake-only section', () => {
    expect(def.item('health_SINCE')!.rounds).toEqual(new Set(['follow-up']));
    expect(def.item('alcohol_SINCE')).toBeUndefined();
    expect(def.item('alcohol_WORRY')!.rounds).toEqual(new Set(['intake']));
  });

  it('leave no trace of `blocks` in the validated definition, so it can be validated again (overlays do)', () => {
    const again = validateInstrument(def.def);
    expect(again.ok).toBe(true);
    expect(again.ok && again.definition.sections[1]!.items.length).toBe(def.sections[1]!.items.length);
    expect('blocks' in def.def).toBe(false);
  });

  it('report a problem in a copy at the block item in the file, naming the section', () => {
    const doc = withBlocks();
    (doc.blocks as any)[0].items[2].when = 'WANT = 1 and NOPE = 2';
    const result = validateInstrument(doc);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      { path: 'blocks[0].items[2].when', message: 'Unknown item "NOPE" in expression "health_WANT = 1 and NOPE = 2" (in the copy ending section "health")' },
      { path: 'blocks[0].items[2].when', message: 'Unknown item "NOPE" in expression "alcohol_WANT = 1 and NOPE = 2" (in the copy ending section "alcohol")' },
    ]);
  });

  it('report unknown, repeated and duplicate blocks', () => {
    const doc = withBlocks({ blocks: [changeBlock, changeBlock] });
    (doc.sections as any)[0].blocks = ['missing', 'change', 'change'];
    const result = validateInstrument(doc);
    const paths = !result.ok ? result.problems.map((p) => `${p.path}: ${p.message}`) : [];
    expect(paths).toContain('blocks[1].id: Duplicate block id "change"');
    expect(paths).toContain('sections[0].blocks[0]: Unknown block "missing" (blocks are: change)');
    expect(paths).toContain('sections[0].blocks[2]: Block "change" is listed twice');
  });
});

describe('embedding a definition by reference', () => {
  const host = (entry: Record<string, unknown> = { embed: 'audit', rounds: ['intake'] }) => {
    const doc = structuredClone(demo) as unknown as Record<string, any>;
    doc.sections.splice(3, 0, entry);
    return doc;
  };
  const resolve = async (id: string) => (id === 'audit' ? structuredClone(audit) : builtinDefinition(id));

  it('inserts the sections, scores and cut-offs, asked in the given rounds, naming where they came from', async () => {
    const result = await resolveDefinition(host(), resolve);
    expect(result.ok).toBe(true);
    const def = loadInstrument(result.ok && result.definition);
    expect(def.sections.map((s) => s.id)).toEqual(['general', 'health', 'work', 'audit', 'alcohol']);
    expect(def.sections[3]!.def.embedded).toEqual({ instrument: 'audit', version: audit.version });
    expect(def.itemsInRound('intake').filter((i) => i.id.startsWith('AUDIT')).length).toBe(10);
    expect(def.itemsInRound('follow-up').some((i) => i.id.startsWith('AUDIT'))).toBe(false);
    expect(def.scores.find((s) => s.id === 'AUDIT')!.rounds).toEqual(new Set(['intake']));
    expect(def.def.cutoffs?.filter((c) => c.score === 'AUDIT').length).toBe(audit.cutoffs.filter((c) => c.score === 'AUDIT').length);
    expect(def.item('AUDIT1')!.provenance).toBe('source');
    expect(def.item('AUDIT1')!.def.source).toMatch(/^audit 1\.0\.0: /);
  });

  it('scores the embedded items exactly as the embedded instrument does', async () => {
    const result = await resolveDefinition(host(), resolve);
    const def = loadInstrument(result.ok && result.definition);
    const answers = new Map<string, number>([1, 2, 2, 1, 0, 0, 1, 0, 2, 4].map((v, i) => [`AUDIT${i + 1}`, v]));
    const scores = computeScores(def, 'intake', (id) => answers.get(id));
    expect(scores.find((s) => s.scoreId === 'AUDIT')!.value).toBe(13);
    expect(scores.find((s) => s.scoreId === 'AUDIT_C')!.value).toBe(5);
  });

  it('DOK embeds the built-in AUDIT rather than a copy', async () => {
    const dok = loadInstrument(await builtinDefinition('dok'));
    const embedded = dok.sections.find((s) => s.def.embedded?.instrument === 'audit')!;
    const standalone = loadInstrument(await builtinDefinition('audit'));
    expect(embedded.items.map((i) => i.id)).toEqual(standalone.items.map((i) => i.id));
    expect(embedded.items.map((i) => i.def.text)).toEqual(standalone.items.map((i) => i.def.text));
    expect(dok.scores.map((s) => s.id)).toEqual(['AUDIT', 'AUDIT_C']);
  });

  it('says what is wrong with a bad entry, and where', async () => {
    const problems = async (doc: unknown) => {
      const result = await resolveDefinition(doc, resolve);
      return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
    };
    expect(await problems(host({ embed: 'nope' }))).toEqual([
      'sections[3].embed: Cannot embed "nope": : No built-in instrument "nope" (available: demo, asi, audit, dudit, adad, dok)',
    ]);
    expect(await problems(host({ embed: 'audit', version: '9.9.9' }))).toEqual([
      `sections[3].version: Embed asks for "audit" version 9.9.9; the definition is ${audit.version}`,
    ]);
    expect(await problems(host({ embed: 'demo' }))).toEqual(['sections[3].embed: "demo" embeds itself (demo → demo)']);
    expect(await problems(host({ embed: 'audit', rounds: 'intake' }))).toEqual(['sections[3].rounds: Give the rounds as a list of round ids']);
    expect(await problems(host({ embed: 'audit', extra: 1 }))).toEqual(['sections[3].extra: Unknown key "extra" in an embed entry']);
    expect(await problems(host({ embed: 'audit', rounds: ['never'] }))).toContain('sections[3].rounds[0]: Unknown round "never" (rounds are: intake, follow-up)');
  });

  it('is refused by the synchronous loader, which cannot fetch the embedded definition', () => {
    const result = validateInstrument(host());
    expect(!result.ok && result.problems[0]).toEqual({
      path: 'sections[3]',
      message: 'An "embed" entry must be resolved first: load the definition with resolveDefinition()',
    });
  });
});

describe('local questions from an overlay', () => {
  const def = (): InstrumentDef => loadInstrument(structuredClone(demo)).def;
  const local = {
    overlay: 'local',
    instrument: 'demo',
    source: 'Example municipality, local follow-up questions 2026',
    items: { H_DAYS: { text: { sv: 'Dagar med kroppsliga besvär (senaste 30)?' } } },
    add: [
      {
        section: 'health',
        after: 'H_DAYS',
        items: [
          { id: 'L_GP', kind: 'yesno', text: text('Do you have a regular GP?') },
          { id: 'L_GP_VISITS', kind: 'count', unit: 'times', text: text('GP visits in the past 30 days'), when: 'L_GP = 1', timeframe: '30d' },
        ],
      },
      { section: 'alcohol', items: [{ id: 'L_ALC_GROUP', kind: 'yesno', text: text('Interested in a group?'), rounds: ['follow-up'] }] },
    ],
  };

  it('inserts them where asked, marked local with the overlay’s source, and replaces text in the same file', () => {
    const compiled = compileWithOverlays(def(), [local]);
    const health = compiled.sections.find((s) => s.id === 'health')!.items.map((i) => i.id);
    expect(health.slice(health.indexOf('H_DAYS'), health.indexOf('H_DAYS') + 3)).toEqual(['H_DAYS', 'L_GP', 'L_GP_VISITS']);
    expect(compiled.item('L_GP')!.provenance).toBe('local');
    expect(compiled.item('L_GP')!.def.source).toBe(local.source);
    expect(compiled.item('L_ALC_GROUP')!.rounds).toEqual(new Set(['follow-up']));
    expect(compiled.item('H_DAYS')!.def.text.sv).toBe('Dagar med kroppsliga besvär (senaste 30)?');
    expect(compiled.scores.map((s) => s.inputs)).toEqual(loadInstrument(structuredClone(demo)).scores.map((s) => s.inputs));
  });

  it('are refused in a text-only overlay', () => {
    const result = validateOverlay({ ...local, overlay: 'text' }, def());
    expect(!result.ok && result.problems).toEqual([{ path: 'add', message: 'Only a "local" overlay may add questions; set "overlay": "local"' }]);
  });

  it('report problems at their place in the overlay file', () => {
    const broken = structuredClone(local) as any;
    broken.add[0].items[1].when = 'L_LATER = 1';
    broken.add[1].items[0].id = 'A_DAYS';
    broken.add.push({ section: 'nowhere', items: [{ id: 'L_X', kind: 'yesno', text: text('x') }] });
    const result = validateOverlay(broken, def());
    expect(!result.ok && result.problems).toEqual([{ path: 'add[2].section', message: 'Unknown section "nowhere"' }]);
    broken.add.pop();
    const again = validateOverlay(broken, def());
    const found = !again.ok ? again.problems.map((p) => `${p.path}: ${p.message}`) : [];
    expect(found).toContain('add[0].items[1].when: Unknown item "L_LATER" in expression "L_LATER = 1" (item L_GP_VISITS)');
    expect(found).toContain('add[1].items[0].id: Duplicate item id "A_DAYS" (item A_DAYS)');
    broken.add[0].after = 'NOT_THERE';
    const third = validateOverlay(broken, def());
    expect(!third.ok && third.problems).toEqual([{ path: 'add[0].after', message: 'Section "health" has no item "NOT_THERE"' }]);
  });
});
