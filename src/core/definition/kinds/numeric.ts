// Numeric kinds: days in the past 30, counts (times, years, months), and money amounts.
import { z } from '../zod.js';
import { defineKind, msg, parseWholeNumber, type ItemKind } from './kind.js';

interface RangeItem {
  min?: number;
  max?: number;
}

function rangeKind(
  kind: string,
  description: string,
  fields: z.ZodRawShape,
  bounds: (item: any) => { min: number; max: number },
  unit: (item: any) => { sv: string; en: string },
): ItemKind {
  return defineKind({
    kind,
    description,
    fields,
    check(value, item) {
      const { min, max } = bounds(item);
      if (typeof value !== 'number' || !Number.isInteger(value)) return msg('Ange ett heltal', 'Enter a whole number');
      if (value < min || value > max) return msg(`Ange ett tal från ${min} till ${max}`, `Enter a number from ${min} to ${max}`);
      return null;
    },
    parse(input, item, ctx) {
      const value = parseWholeNumber(input);
      if (value === null) return { ok: false, message: msg('Ange ett heltal', 'Enter a whole number') };
      const problem = this.check(value, item, ctx);
      return problem ? { ok: false, message: problem } : { ok: true, value };
    },
    format(value, item, _ctx, lang) {
      if (typeof value !== 'number') return String(value);
      const u = unit(item)[lang];
      // A calendar year is a name, not an amount: 1975, never "1 975".
      const number = item.unit === 'calendar-year' ? String(value) : value.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB');
      return `${number}${u ? ` ${u}` : ''}`;
    },
  });
}

export const daysKind = rangeKind(
  'days',
  'Number of days in the past 30 days (0–30).',
  {},
  () => ({ min: 0, max: 30 }),
  () => ({ sv: 'dagar', en: 'days' }),
);

const COUNT_UNITS = {
  times: { sv: 'gånger', en: 'times' },
  years: { sv: 'år', en: 'years' },
  months: { sv: 'månader', en: 'months' },
  people: { sv: 'personer', en: 'people' },
  none: { sv: '', en: '' },
  'calendar-year': { sv: '', en: '' },
} as const;

export const countKind = rangeKind(
  'count',
  'A whole number of times, years, months or people, or a calendar year (unit "calendar-year").',
  {
    unit: z.enum(['times', 'years', 'months', 'people', 'none', 'calendar-year']).optional(),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  },
  (item: RangeItem) => ({ min: item.min ?? 0, max: item.max ?? 9999 }),
  (item: { unit?: keyof typeof COUNT_UNITS }) => COUNT_UNITS[item.unit ?? 'none'],
);

export const moneyKind = rangeKind(
  'money',
  'An amount of money in whole units of the currency (kronor by default).',
  {
    currency: z.string().regex(/^[A-Z]{3}$/, 'Use an ISO 4217 code such as SEK').optional(),
    max: z.number().int().min(0).optional(),
  },
  (item: RangeItem) => ({ min: 0, max: item.max ?? 10_000_000 }),
  (item: { currency?: string }) => {
    const c = item.currency ?? 'SEK';
    return c === 'SEK' ? { sv: 'kr', en: 'SEK' } : { sv: c, en: c };
  },
);
