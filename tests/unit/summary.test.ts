// Unit tests for the feedback summary: statements per section in interview order, labels, skipped items left out.
import { describe, expect, it } from 'vitest';
import { builtinDefinition, loadInstrument, parseAnswer } from '../../src/core/definition/index.js';
import { offersSummary, summarize, summaryText } from '../../src/core/feedback/summary.js';
import { planInterview, type StoredAnswer } from '../../src/core/flow/index.js';
import { DEMO_ANSWERS } from '../fixtures/demo-answers.js';

describe('feedback summary', () => {
  it('gives one statement per answered item, grouped by section, with labels where the definition has them', async () => {
    const dok = loadInstrument(await builtinDefinition('dok'));
    const entered: Record<string, StoredAnswer> = {};
    const put = (id: string, text: string) => {
      const parsed = parseAnswer(dok, dok.item(id)!, text);
      if (!parsed.ok) throw new Error(`${id}: ${parsed.message.en}`);
      entered[id] = { value: parsed.value, source: 'entered' };
    };
    put('SOC1', '1975');
    put('AUDIT1', '2');
    put('AUDIT2', 'X');
    const sections = summarize(dok, planInterview(dok, 'intake', entered), 'sv');
    const soc = sections.find((s) => s.id === 'SOC')!;
    expect(soc.title).toBe('Sociodemografi');
    expect(soc.statements[0]).toEqual({ itemId: 'SOC1', label: 'Födelseår', answer: '1975', autofilled: false });
    const audit = sections.find((s) => s.statements.some((st) => st.itemId === 'AUDIT1'))!;
    expect(audit.statements.map((st) => `${st.label}: ${st.answer}`)).toEqual([
      'Hur ofta alkohol: 2 2–4 gånger i månaden',
      'Standardglas en typisk dag: X (inget svar)',
    ]);
    // Blank items are not statements; sections with nothing answered do not appear.
    expect(sections.flatMap((s) => s.statements).length).toBe(3);
    expect(summaryText(sections)).toBe(
      'Sociodemografi\n- Födelseår: 1975\n\n' + `${audit.title}\n- Hur ofta alkohol: 2 2–4 gånger i månaden\n- Standardglas en typisk dag: X (inget svar)`,
    );
  });

  it('leaves out skipped items and marks auto-filled ones; falls back to the question without a label', async () => {
    const demo = loadInstrument(await builtinDefinition('demo'));
    const answers: Record<string, StoredAnswer> = {};
    for (const [id, text] of Object.entries(DEMO_ANSWERS)) {
      const parsed = parseAnswer(demo, demo.item(id)!, text);
      if (parsed.ok) answers[id] = { value: parsed.value, source: 'entered' };
    }
    const plan = planInterview(demo, 'intake', answers);
    const statements = summarize(demo, plan, 'en').flatMap((s) => s.statements);
    const skipped = plan.steps.filter((s) => s.state === 'skip').map((s) => s.item.id);
    expect(skipped.length).toBeGreaterThan(0);
    for (const id of skipped) expect(statements.some((st) => st.itemId === id)).toBe(false);
    for (const step of plan.steps.filter((s) => s.state === 'autofill'))
      expect(statements.find((st) => st.itemId === step.item.id)?.autofilled).toBe(true);
    const first = statements[0]!;
    expect(first.label).toBe(demo.item(first.itemId)!.def.text.en);
  });

  it('is offered only where the definition asks for it', async () => {
    const dok = loadInstrument(await builtinDefinition('dok'));
    expect(offersSummary(dok, 'intake')).toBe(true);
    expect(offersSummary(dok, 'check-in')).toBe(false);
    expect(offersSummary(loadInstrument(await builtinDefinition('asi')), 'grund')).toBe(false);
  });
});
