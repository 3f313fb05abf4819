// CSV for statistics tools: one wide row per interview, and a codebook describing every column.
import type { CompiledInstrument, CompiledItem, CompiledScore } from '../definition/compiled.js';
import type { Language } from '../definition/text.js';
import type { Bundle } from './bundle.js';
import { byInterview, exportedAnswers, kindExport, SPECIAL_MEANING, type ExportValues } from './kinds.js';

export type CsvCell = string | number | null | undefined;

const BOM = '\uFEFF';
const EOL = '\r\n';

/**
 * One cell, RFC 4180 quoted. Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets
 * a leading apostrophe: exported client codes and free-text answers come from people, not from us. Numbers are
 * written as they are (full precision, negative numbers unharmed).
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV text: UTF-8 BOM (so that Excel reads the encoding right), CRLF line ends. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return BOM + rows.map((row) => row.map(csvCell).join(',') + EOL).join('');
}

export const INTERVIEW_COLUMNS = [
  'interview_id',
  'client_code',
  'sex',
  'birth_year',
  'round',
  'status',
  'started_at',
  'completed_at',
  'instrument_version',
] as const;

export interface CsvOptions {
  /** Cells are language-neutral codes and the header is column names; labels are in the codebook in either language. */
  lang?: Language;
  /** Default `stored`: every stored answer (see {@link ExportValues}). */
  values?: ExportValues;
}

/**
 * One row per interview of the instrument (any version; `instrument_version` says which): interview columns, then
 * every item in definition order (numbers, text, `X`, `N`; blank when there is no answer), then every score (full
 * precision, blank when missing).
 */
export function exportCsv(bundle: Bundle, instrument: CompiledInstrument, options: CsvOptions = {}): string {
  // Default: the answers that count (a skipped item's leftover answer is blank), as scores see them; see docs/decisions.md.
  const values = options.values ?? 'counted';
  const clients = new Map(bundle.clients.map((c) => [c.id, c]));
  const answers = byInterview(bundle.answers);
  const scores = byInterview(bundle.scores);
  const header: CsvCell[] = [...INTERVIEW_COLUMNS, ...instrument.items.map((i) => i.id), ...instrument.scores.map((s) => s.id)];
  const rows: CsvCell[][] = [header];
  for (const interview of bundle.interviews) {
    if (interview.instrumentId !== instrument.id) continue;
    const client = clients.get(interview.clientId);
    const shown = exportedAnswers(interview, answers.get(interview.id) ?? [], instrument, values);
    const scored = new Map((scores.get(interview.id) ?? []).map((s) => [s.scoreId, s.value]));
    rows.push([
      interview.id,
      client?.code,
      client?.sex,
      client?.birthYear,
      interview.round,
      interview.status,
      interview.startedAt,
      interview.completedAt,
      interview.instrumentVersion,
      ...instrument.items.map((item) => shown.get(item.id)),
      ...instrument.scores.map((score) => scored.get(score.id)),
    ]);
  }
  return toCsv(rows);
}

// ---------------------------------------------------------------------------------------------------------------
// Codebook

export interface CodebookEntry {
  /** Column name in the CSV export. */
  name: string;
  label: string;
  /** Item kind, `score`, or what an interview column holds. */
  kind: string;
  unit: string;
  /** Codes with their labels (`0=No; 1=Yes`), or the range or format of the values. */
  values: string;
  /** Meaning of the special codes the item allows (`X=…; N=…`). */
  special: string;
  timeframe: string;
  /** Rounds that ask the item or report the score; "since the last interview" where a follow-up asks it so. */
  rounds: string;
  section: string;
  formula: string;
  source: string;
}

export const CODEBOOK_COLUMNS: readonly (keyof CodebookEntry)[] = [
  'name',
  'label',
  'kind',
  'unit',
  'values',
  'special',
  'timeframe',
  'rounds',
  'section',
  'formula',
  'source',
];

const TIMEFRAMES: Record<string, { sv: string; en: string }> = {
  '30d': { sv: 'senaste 30 dagarna', en: 'past 30 days' },
  '12m': { sv: 'senaste 12 månaderna', en: 'past 12 months' },
  '3y': { sv: 'senaste 3 åren', en: 'past 3 years' },
  lifetime: { sv: 'hela livet', en: 'lifetime' },
  current: { sv: 'för närvarande', en: 'currently' },
  now: { sv: 'just nu', en: 'now' },
};

const blank: Omit<CodebookEntry, 'name' | 'label' | 'kind'> = {
  unit: '',
  values: '',
  special: '',
  timeframe: '',
  rounds: '',
  section: '',
  formula: '',
  source: '',
};

function interviewEntries(instrument: CompiledInstrument, lang: Language): CodebookEntry[] {
  const l = (sv: string, en: string) => (lang === 'sv' ? sv : en);
  const timestamp = l('ISO 8601 med UTC-förskjutning', 'ISO 8601 with UTC offset');
  const entry = (name: string, label: string, kind: string, values = ''): CodebookEntry => ({ ...blank, name, label, kind, values });
  return [
    entry('interview_id', l('Intervjuns id', 'Interview id'), 'id'),
    entry('client_code', l('Klientens pseudonyma kod', "Client's pseudonymous code"), 'text'),
    entry('sex', l('Kön', 'Sex'), 'code', 'female; male; other; unknown'),
    entry('birth_year', l('Födelseår', 'Year of birth'), 'year'),
    entry('round', l('Intervjutillfälle', 'Round'), 'code', instrument.def.rounds.map((r) => `${r.id}=${r.title[lang]}`).join('; ')),
    entry('status', l('Status', 'Status'), 'code', 'in-progress; paused; completed; terminated'),
    entry('started_at', l('Påbörjad', 'Started'), 'timestamp', timestamp),
    entry('completed_at', l('Avslutad', 'Completed'), 'timestamp', timestamp),
    entry('instrument_version', l('Formulärets version', 'Instrument version'), 'version', `${instrument.id} (semver)`),
  ];
}

function roundsOf(rounds: ReadonlySet<string>, sinceLast: ReadonlySet<string>, lang: Language): string {
  const since = lang === 'sv' ? 'sedan förra intervjun' : 'since the last interview';
  return [...rounds].map((r) => (sinceLast.has(r) ? `${r} (${since})` : r)).join('; ');
}

function itemEntry(instrument: CompiledInstrument, item: CompiledItem, lang: Language): CodebookEntry {
  const kind = kindExport(item);
  return {
    name: item.id,
    label: item.def.text[lang],
    kind: item.def.kind,
    unit: kind.unit(item, lang),
    values: item.options ? item.options.map((o) => `${o.value}=${o.label[lang]}`).join('; ') : kind.range(item, lang),
    special: item.special.map((code) => `${code}=${SPECIAL_MEANING[code][lang]}`).join('; '),
    timeframe: item.def.timeframe ? TIMEFRAMES[item.def.timeframe]![lang] : '',
    rounds: roundsOf(item.rounds, item.sinceLast, lang),
    section: `${item.section.id} ${item.section.def.title[lang]}`,
    formula: '',
    source: item.def.source ?? (item.provenance === 'source' ? instrument.def.source : lang === 'sv' ? 'projektets egen' : "the project's own"),
  };
}

function scoreEntry(score: CompiledScore, lang: Language): CodebookEntry {
  const { algorithm, decimals } = score.def;
  const note =
    lang === 'sv' ? 'tom när ett ingående svar saknas eller är X/N' : 'blank when an input is missing, or X/N';
  return {
    ...blank,
    name: score.id,
    label: score.def.title[lang],
    kind: 'score',
    values: `${lang === 'sv' ? 'decimaltal' : 'decimal'}${decimals === undefined ? '' : ` (${decimals} ${lang === 'sv' ? 'decimaler i rapporter' : 'decimals in reports'})`}; ${note}`,
    rounds: [...score.rounds].join('; '),
    formula: `${score.def.formula} [${algorithm.id} v${algorithm.version}]`,
    source: score.def.source,
  };
}

/** One entry per column of {@link exportCsv}, in the same order. */
export function codebook(instrument: CompiledInstrument, lang: Language = 'en'): CodebookEntry[] {
  return [
    ...interviewEntries(instrument, lang),
    ...instrument.items.map((item) => itemEntry(instrument, item, lang)),
    ...instrument.scores.map((score) => scoreEntry(score, lang)),
  ];
}

/** The codebook as CSV (default) or as JSON (`{instrument, version, language, columns: [...]}`). */
export function exportCodebook(instrument: CompiledInstrument, lang: Language = 'en', options: { format?: 'csv' | 'json' } = {}): string {
  const entries = codebook(instrument, lang);
  if (options.format === 'json') {
    return `${JSON.stringify({ instrument: instrument.id, version: instrument.version, language: lang, columns: entries }, null, 2)}\n`;
  }
  return toCsv([[...CODEBOOK_COLUMNS], ...entries.map((e) => CODEBOOK_COLUMNS.map((c) => e[c]))]);
}
