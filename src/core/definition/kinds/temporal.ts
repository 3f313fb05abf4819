// Time kinds: calendar dates, clock times, and durations given as years and months (stored as total months).
import { z } from '../zod.js';
import { defineKind, msg } from './kind.js';

function isRealDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

export const dateKind = defineKind({
  kind: 'date',
  description: 'A calendar date, stored as YYYY-MM-DD.',
  fields: {},
  check(value) {
    return typeof value === 'string' && isRealDate(value) ? null : msg('Ange ett datum ÅÅÅÅ-MM-DD', 'Enter a date YYYY-MM-DD');
  },
  parse(input) {
    const compact = input.trim();
    // Accept the compact form 20260314 that is quick to type.
    const iso = /^\d{8}$/.test(compact) ? `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6)}` : compact;
    return isRealDate(iso) ? { ok: true, value: iso } : { ok: false, message: msg('Ange ett datum ÅÅÅÅ-MM-DD', 'Enter a date YYYY-MM-DD') };
  },
  format(value) {
    return String(value);
  },
});

const isClockTime = (value: unknown) => typeof value === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(value);

export const timeKind = defineKind({
  kind: 'time',
  description: 'A clock time, stored as HH:MM (24-hour).',
  fields: {},
  check(value) {
    return isClockTime(value) ? null : msg('Ange en tid TT:MM', 'Enter a time HH:MM');
  },
  parse(input) {
    const t = input.trim().replace('.', ':');
    // Accept 0930 and 9:30 as well as 09:30.
    const hhmm = /^\d{4}$/.test(t) ? `${t.slice(0, 2)}:${t.slice(2)}` : /^\d:\d\d$/.test(t) ? `0${t}` : t;
    return isClockTime(hhmm) ? { ok: true, value: hhmm } : { ok: false, message: msg('Ange en tid TT:MM', 'Enter a time HH:MM') };
  },
  format(value) {
    return String(value);
  },
});

/** Years and months, e.g. "3 6", "3y6m", "3:6" or plain "18m"; a lone number is years. */
export function parseYearsMonths(input: string): number | null {
  const t = input.trim().toLowerCase();
  let m = /^(\d{1,3})\s*(?:[å]r|y|years?|[:;, ]\s*)?\s*(\d{1,2})?\s*(?:m|mån|months?)?$/.exec(t);
  if (/^\d{1,4}\s*(m|mån|months?)$/.test(t)) return Number(/^\d+/.exec(t)![0]);
  if (!m) return null;
  const years = Number(m[1]);
  const months = m[2] === undefined ? 0 : Number(m[2]);
  return months > 11 ? null : years * 12 + months;
}

export const durationKind = defineKind({
  kind: 'duration',
  description: 'A length of time in years and months, stored as the total number of months.',
  fields: { maxYears: z.number().int().min(1).optional() },
  check(value, item: { maxYears?: number }) {
    const max = (item?.maxYears ?? 99) * 12 + 11;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max
      ? null
      : msg('Ange år och månader, t.ex. 3 6', 'Enter years and months, e.g. 3 6');
  },
  parse(input, item, ctx) {
    const value = parseYearsMonths(input);
    if (value === null) return { ok: false, message: msg('Ange år och månader, t.ex. 3 6', 'Enter years and months, e.g. 3 6') };
    const problem = this.check(value, item, ctx);
    return problem ? { ok: false, message: problem } : { ok: true, value };
  },
  format(value, _item, _ctx, lang) {
    if (typeof value !== 'number') return String(value);
    const y = Math.floor(value / 12);
    const m = value % 12;
    return lang === 'sv' ? `${y} år ${m} mån` : `${y} y ${m} m`;
  },
});

export const textKind = defineKind({
  kind: 'text',
  description: 'Free text.',
  fields: { maxLength: z.number().int().min(1).max(10_000).optional() },
  check(value, item: { maxLength?: number }) {
    const max = item?.maxLength ?? 2000;
    if (typeof value !== 'string' || value.trim() === '') return msg('Skriv ett svar', 'Write an answer');
    return value.length > max ? msg(`Högst ${max} tecken`, `At most ${max} characters`) : null;
  },
  parse(input, item, ctx) {
    const value = input.trim();
    const problem = this.check(value, item, ctx);
    return problem ? { ok: false, message: problem } : { ok: true, value };
  },
  format(value) {
    return String(value);
  },
});
