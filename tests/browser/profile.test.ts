// <asi-profile> in Chromium: scores and ratings on their own ranges (AUDIT 0–40, ADAD 0–3 and 0–9) and cut-off results by sex.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/define.js';
import { builtinDefinition, loadInstrument, type CompiledInstrument } from '../../src/core/definition/index.js';
import type { Sex } from '../../src/core/storage/types.js';
import type { AsiProfile, ProfileScore } from '../../src/elements/profile/asi-profile.js';

const audit = loadInstrument(await builtinDefinition('audit'));
const adad = loadInstrument(await builtinDefinition('adad'));
const demo = loadInstrument(await builtinDefinition('demo'));

const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function profile(
  instrument: CompiledInstrument,
  options: { scores?: ProfileScore[]; ratings?: Record<string, number>; sex?: Sex; lang?: 'sv' | 'en' },
): Promise<AsiProfile> {
  const el = await fixture<AsiProfile>(
    html`<asi-profile
      lang=${options.lang ?? 'en'}
      .sex=${options.sex}
      .instrument=${instrument}
      .scores=${options.scores ?? []}
      .ratings=${options.ratings ?? {}}
    ></asi-profile>`,
  );
  await el.updateComplete;
  return el;
}

/** The result entry of one score: "<title> <value> of <max> <notes> <labels>". */
const result = (el: AsiProfile, title: string) =>
  text([...el.shadowRoot!.querySelectorAll('[part=result] dl > div')].find((d) => d.querySelector('dt')!.textContent!.includes(title)));

const legend = (el: AsiProfile) => [...el.shadowRoot!.querySelectorAll('.legend > span')].map(text);

const AUDIT_7 = [
  { scoreId: 'AUDIT', value: 7 },
  { scoreId: 'AUDIT_C', value: 3 },
];

describe('<asi-profile> for AUDIT', () => {
  it('a man with AUDIT 7: below the cut-off of 8; AUDIT-C 3 below the men’s 4', async () => {
    const el = await profile(audit, { scores: AUDIT_7, sex: 'male' });
    expect(text(el.shadowRoot!.querySelector('[part=result] h3'))).to.equal('Result');
    expect(result(el, 'AUDIT total')).to.equal('AUDIT total score (0–40) 7 of 40 below the cut-off (8 or more)');
    expect(result(el, 'AUDIT-C')).to.equal('AUDIT-C consumption score (0–12) 3 of 12 below the cut-off (4 or more)');
    expect(text(el.shadowRoot!.querySelector('[part=result]'))).not.to.contain('Risky use');
    await expect(el).to.be.accessible();
  });

  it('a woman with AUDIT 7: risky use; AUDIT-C 3 positive', async () => {
    const el = await profile(audit, { scores: AUDIT_7, sex: 'female' });
    expect(result(el, 'AUDIT total')).to.equal('AUDIT total score (0–40) 7 of 40 Risky use (women: 6 points or more)');
    expect(result(el, 'AUDIT-C')).to.equal('AUDIT-C consumption score (0–12) 3 of 12 Positive AUDIT-C (women: 3 points or more)');
    expect(result(el, 'AUDIT total')).not.to.contain('below');
  });

  it('in Swedish, for a man and a woman', async () => {
    const man = await profile(audit, { scores: AUDIT_7, sex: 'male', lang: 'sv' });
    expect(text(man.shadowRoot!.querySelector('[part=result] h3'))).to.equal('Resultat');
    expect(result(man, 'AUDIT totalpoäng')).to.equal('AUDIT totalpoäng (0–40) 7 av 40 under gränsvärdet (8 eller mer)');
    const woman = await profile(audit, { scores: AUDIT_7, sex: 'female', lang: 'sv' });
    expect(result(woman, 'AUDIT totalpoäng')).to.equal('AUDIT totalpoäng (0–40) 7 av 40 Riskbruk (kvinnor: 6 poäng eller mer)');
  });

  it('with the sex unknown or not given: says the sex-specific cut-offs cannot be applied instead of guessing', async () => {
    for (const sex of ['unknown', undefined] as const) {
      const el = await profile(audit, { scores: AUDIT_7, ...(sex ? { sex } : {}) });
      expect(result(el, 'AUDIT total')).to.equal(
        'AUDIT total score (0–40) 7 of 40 Sex unknown: the sex-specific cut-offs cannot be applied below the cut-offs that apply whatever the sex (8 or more)',
      );
      // AUDIT-C has no sex-neutral cut-off: only the note, no "below".
      expect(result(el, 'AUDIT-C')).to.equal('AUDIT-C consumption score (0–12) 3 of 12 Sex unknown: the sex-specific cut-offs cannot be applied');
    }
    const other = await profile(audit, { scores: [{ scoreId: 'AUDIT', value: 22 }], sex: 'other', lang: 'sv' });
    expect(result(other, 'AUDIT totalpoäng')).to.contain('Kön annat än kvinna eller man').and.contain('WHO-zon 20 eller mer');
  });

  it('draws AUDIT on 0–40 and AUDIT-C on 0–12, labelled with value and range; a missing score says why', async () => {
    const el = await profile(audit, { scores: [{ scoreId: 'AUDIT', value: 20 }, { scoreId: 'AUDIT_C', value: 6 }], sex: 'male' });
    const bars = [...el.shadowRoot!.querySelectorAll('svg rect.score')];
    expect(bars.map((b) => Number(b.getAttribute('width')))).to.deep.equal([210, 210]);
    const labels = [...el.shadowRoot!.querySelectorAll('svg text.value')].map((t) => t.textContent);
    expect(labels).to.include('AUDIT 20 / 40').and.include('AUDIT_C 6 / 12');
    // The table: one row per score, whole points, no empty rating column.
    expect([...el.shadowRoot!.querySelectorAll('thead th')].map((th) => th.textContent)).to.deep.equal(['Area', 'Score']);
    expect([...el.shadowRoot!.querySelectorAll('tbody tr')].map(text)).to.deep.equal(['Alcohol (AUDIT) 20', 'Alcohol (AUDIT_C) 6']);

    const missing = await profile(audit, { scores: [{ scoreId: 'AUDIT', value: null, missing: ['AUDIT7'] }], sex: 'male' });
    expect(result(missing, 'AUDIT total')).to.equal('AUDIT total score (0–40) not computable (missing: AUDIT7)');
  });
});

describe('<asi-profile> for ADAD', () => {
  const ratings = { P_WORRY: 2, P_HELP: 1, P_SEV: 6, S_WORRY: 0, S_HELP: 3, S_SEV: 1 };

  it('shows all three ratings of an area, each on its own scale, told apart by colour and legend', async () => {
    const el = await profile(adad, { ratings, sex: 'female' });
    const root = el.shadowRoot!;
    const rects = [...root.querySelectorAll('svg rect')];
    // Physical health: worry 2/3, help 1/3, interviewer 6/9 of 420 px; then school.
    expect(rects.slice(0, 3).map((r) => [r.getAttribute('class'), Number(r.getAttribute('width'))])).to.deep.equal([
      ['rating rating-0', 280],
      ['rating rating-1', 140],
      ['rating rating-2', 280],
    ]);
    expect(rects.slice(3, 6).map((r) => Number(r.getAttribute('width')))).to.deep.equal([1, 420, 420 / 9]);
    const values = [...root.querySelectorAll('svg text.value')].map((t) => t.textContent);
    expect(values).to.include('2 / 3').and.include('1 / 3').and.include('6 / 9');
    expect(legend(el)).to.deep.equal([
      'Youth rating: worry or problems 0–3',
      'Youth rating: importance of getting help 0–3',
      'Interviewer severity rating 0–9',
    ]);
    expect([...root.querySelectorAll('thead th')].map((th) => th.textContent)).to.deep.equal([
      'Area',
      'Youth rating: worry or problems 0–3',
      'Youth rating: importance of getting help 0–3',
      'Interviewer severity rating 0–9',
    ]);
    const rows = [...root.querySelectorAll('tbody tr')].map(text);
    expect(rows).to.have.length(9);
    expect(rows[0]).to.equal('Physical health 2 1 6 Considerable problem, help needed');
    expect(rows[1]).to.equal('School 0 3 1 No problem, help not needed');
    expect(rows[2]).to.equal('Work and support – – –');
    // No scores, so no score column and no cut-off result.
    expect(root.querySelector('[part=result]')).to.equal(null);
    await expect(el).to.be.accessible();
  });
});

describe('<asi-profile> for a composite-score instrument (the ASI look)', () => {
  it('keeps composites on 0–1 and interviewer ratings on 0–9 with the joint axis, and adds no result block', async () => {
    const el = await profile(demo, { scores: [{ scoreId: 'HEALTH', value: 0.5 }, { scoreId: 'WORK', value: 0.25 }], ratings: { H_SEVERITY: 3, A_SEVERITY: 9 } });
    const root = el.shadowRoot!;
    expect([...root.querySelectorAll('tbody tr')].map(text)).to.deep.equal([
      'Physical health 0.500 3 Slight problem',
      'Work and support 0.250',
      'Alcohol 9 Extreme problem',
    ]);
    expect([...root.querySelectorAll('svg rect')].map((r) => [r.getAttribute('class'), Number(r.getAttribute('width'))])).to.deep.equal([
      ['score', 210],
      ['rating rating-0', 140],
      ['score', 105],
      ['rating rating-0', 420],
    ]);
    const values = [...root.querySelectorAll('svg text.value')].map((t) => t.textContent);
    expect(values).to.include('0.25 · 2.3').and.include('1.00 · 9').and.include('0.50 / 1').and.include('3 / 9');
    expect(legend(el)).to.deep.equal(['Composite score (0–1)', 'Interviewer rating 0–9']);
    expect(root.querySelector('[part=result]')).to.equal(null);
  });
});
