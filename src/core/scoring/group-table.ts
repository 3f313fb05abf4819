// The group report as rows of a table (for display and CSV), with CSV quoting that spreadsheet programs read safely.
import type { CompiledInstrument } from '../definition/compiled.js';
import type { Language } from '../definition/text.js';
import type { GroupReport } from './group.js';

export const GROUP_COLUMNS = ['score', 'title', 'n', 'meanFirst', 'meanLast', 'meanChange', 'improved', 'unchanged', 'worsened', 'missing'] as const;
export type GroupRow = Record<(typeof GROUP_COLUMNS)[number], string | number | null>;

export function groupReportRows(report: GroupReport, instrument: CompiledInstrument, lang: Language): GroupRow[] {
  return Object.entries(report.scores).map(([scoreId, s]) => ({
    score: scoreId,
    title: instrument.scores.find((x) => x.id === scoreId)?.def.title[lang] ?? scoreId,
    ...s,
  }));
}

/** RFC 4180 quoting; a cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed with '. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function groupReportCsv(report: GroupReport, instrument: CompiledInstrument, lang: Language): string {
  const rows = groupReportRows(report, instrument, lang);
  return [GROUP_COLUMNS.join(','), ...rows.map((r) => GROUP_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
}
