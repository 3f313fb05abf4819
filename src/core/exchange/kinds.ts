// How each item kind appears in exports (codebook ranges and units, FHIR item types), looked up by kind name.
import type { CompiledInstrument, CompiledItem } from '../definition/compiled.js';
import type { Language } from '../definition/text.js';
import type { AnswerValue } from '../definition/values.js';
import { planInterview, answerMapFromRecords } from '../flow/plan.js';
import type { AnswerRecord, InterviewRecord } from '../storage/types.js';

export type FhirItemType = 'integer' | 'decimal' | 'choice' | 'date' | 'time' | 'text';

interface KindExport {
  fhirType: FhirItemType;
  unit(item: CompiledItem, lang: Language): string;
  /** The values a statistics tool should expect, when they are not a list of codes. */
  range(item: CompiledItem, lang: Language): string;
  /** Bounds for FHIR's minValue/maxValue extensions, for numeric kinds. */
  bounds?(item: CompiledItem): { min: number; max: number };
}

const t = (lang: Language, sv: string, en: string) => (lang === 'sv' ? sv : en);

const COUNT_UNITS: Record<string, { sv: string; en: string }> = {
  times: { sv: 'gånger', en: 'times' },
  years: { sv: 'år', en: 'years' },
  months: { sv: 'månader', en: 'months' },
  people: { sv: 'personer', en: 'people' },
};

// The defaults repeat those of definition/kinds (numeric.ts, temporal.ts), which do not expose them; keep in step.
const countBounds = (item: CompiledItem) => ({ min: item.def.min ?? 0, max: item.def.max ?? 9999 });
const moneyBounds = (item: CompiledItem) => ({ min: 0, max: item.def.max ?? 10_000_000 });
const durationBounds = (item: CompiledItem) => ({ min: 0, max: (item.def.maxYears ?? 99) * 12 + 11 });
const span = ({ min, max }: { min: number; max: number }) => `${min}–${max}`;

const coded: KindExport = { fhirType: 'choice', unit: () => '', range: () => '' };

const KIND_EXPORTS: Record<string, KindExport> = {
  days: { fhirType: 'integer', unit: (_, l) => t(l, 'dagar', 'days'), range: () => '0–30', bounds: () => ({ min: 0, max: 30 }) },
  count: {
    fhirType: 'integer',
    unit: (item, l) => COUNT_UNITS[item.def.unit ?? '']?.[l] ?? '',
    range: (item) => span(countBounds(item)),
    bounds: countBounds,
  },
  money: {
    fhirType: 'decimal',
    unit: (item) => item.def.currency ?? 'SEK',
    range: (item) => span(moneyBounds(item)),
    bounds: moneyBounds,
  },
  yesno: coded,
  scale: coded,
  choice: coded,
  duration: {
    fhirType: 'integer',
    unit: (_, l) => t(l, 'månader', 'months'),
    range: (item, l) => `${span(durationBounds(item))} ${t(l, '(år × 12 + månader)', '(years × 12 + months)')}`,
    bounds: durationBounds,
  },
  date: { fhirType: 'date', unit: () => '', range: (_, l) => t(l, 'datum ÅÅÅÅ-MM-DD', 'date YYYY-MM-DD') },
  time: { fhirType: 'time', unit: () => '', range: (_, l) => t(l, 'klockslag TT:MM', 'time HH:MM') },
  text: {
    fhirType: 'text',
    unit: () => '',
    range: (item, l) => t(l, `fritext, högst ${item.def.maxLength ?? 2000} tecken`, `free text, at most ${item.def.maxLength ?? 2000} characters`),
  },
};

export function kindExport(item: CompiledItem): KindExport {
  const found = KIND_EXPORTS[item.def.kind];
  if (!found) throw new Error(`Item kind "${item.def.kind}" of ${item.id} has no export mapping (add it to core/exchange/kinds.ts)`);
  return found;
}

export const SPECIAL_MEANING = {
  X: { sv: 'inget svar (vet inte / vill inte svara)', en: 'not answered (does not know / will not say)' },
  N: { sv: 'ej tillämpligt', en: 'not applicable' },
} as const;

/**
 * Which answers an export shows. `stored`: every stored answer, as the store holds it. `counted`: only the answers
 * that count (planInterview): an answer left behind on an item that later became skipped is blank, as in scoring.
 */
export type ExportValues = 'stored' | 'counted';

/** Answers of one interview as an export shows them. */
export function exportedAnswers(
  interview: InterviewRecord,
  answers: readonly AnswerRecord[],
  instrument: CompiledInstrument,
  values: ExportValues,
): Map<string, AnswerValue> {
  if (values === 'stored') return new Map(answers.map((a) => [a.itemId, a.value]));
  const plan = planInterview(instrument, interview.round, answerMapFromRecords(answers));
  return new Map(plan.steps.filter((s) => s.value !== undefined).map((s) => [s.item.id, s.value!]));
}

/** Records of a bundle by interview, for exporters that walk interview by interview. */
export function byInterview<T extends { interviewId: string }>(records: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of records) {
    const list = map.get(r.interviewId);
    if (list) list.push(r);
    else map.set(r.interviewId, [r]);
  }
  return map;
}
