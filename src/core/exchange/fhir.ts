// FHIR R4 output: an instrument as a Questionnaire, and interviews as QuestionnaireResponses in a collection Bundle.
import type { CompiledInstrument, CompiledItem } from '../definition/compiled.js';
import type { Language } from '../definition/text.js';
import { isSpecialCode, type AnswerValue, type SpecialCode } from '../definition/values.js';
import type { InterviewRecord, InterviewStatus } from '../storage/types.js';
import type { Bundle } from './bundle.js';
import { byInterview, exportedAnswers, kindExport, type ExportValues, type FhirItemType } from './kinds.js';

export const DEFAULT_FHIR_BASE = 'https://asi-interview.example/fhir';

// The parts of the R4 resources this module writes.
export interface FhirCoding {
  system: string;
  code: string;
  display?: string;
}
export interface FhirExtension {
  url: string;
  valueCoding?: FhirCoding;
  valueInteger?: number;
  valueDecimal?: number;
  valueString?: string;
}
export interface FhirIdentifier {
  system: string;
  value: string;
}
export interface QuestionnaireItem {
  linkId: string;
  text?: string;
  type: 'group' | FhirItemType;
  maxLength?: number;
  answerOption?: { valueCoding: FhirCoding }[];
  extension?: FhirExtension[];
  item?: QuestionnaireItem[];
}
export interface Questionnaire {
  resourceType: 'Questionnaire';
  id?: string;
  url: string;
  version: string;
  name: string;
  title: string;
  status: 'active';
  language: Language;
  description?: string;
  item: QuestionnaireItem[];
}
export interface QuestionnaireResponseAnswer {
  valueInteger?: number;
  valueDecimal?: number;
  valueCoding?: FhirCoding;
  valueString?: string;
  valueDate?: string;
  valueTime?: string;
}
export interface QuestionnaireResponseItem {
  linkId: string;
  answer?: QuestionnaireResponseAnswer[];
  item?: QuestionnaireResponseItem[];
}
export interface QuestionnaireResponse {
  resourceType: 'QuestionnaireResponse';
  id?: string;
  extension?: FhirExtension[];
  identifier: FhirIdentifier;
  questionnaire: string;
  status: 'in-progress' | 'completed' | 'stopped';
  subject?: { identifier: FhirIdentifier };
  authored?: string;
  item?: QuestionnaireResponseItem[];
}
export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'collection';
  timestamp?: string;
  entry?: { fullUrl?: string; resource: QuestionnaireResponse }[];
}

export interface FhirOptions {
  /** Base of the canonical URLs and code systems; default https://asi-interview.example/fhir. */
  baseUrl?: string;
  /** Language of texts and displays; default English. */
  lang?: Language;
}

const base = (options: FhirOptions) => (options.baseUrl ?? DEFAULT_FHIR_BASE).replace(/\/+$/, '');

/** The instrument's canonical URL (without version). */
export function questionnaireUrl(instrumentId: string, options: FhirOptions = {}): string {
  return `${base(options)}/Questionnaire/${instrumentId}`;
}

const SPECIAL_DISPLAY: Record<SpecialCode, Record<Language, string>> = {
  X: { en: 'not answered', sv: 'inget svar' },
  N: { en: 'not applicable', sv: 'ej tillämpligt' },
};

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The code systems of one instrument: per item, per shared scale, yes/no, and the special codes. */
function codeSystems(instrumentId: string, options: FhirOptions) {
  const url = questionnaireUrl(instrumentId, options);
  return {
    url,
    special: `${url}/special-codes`,
    // Item and scale ids cannot contain "-", so "yes-no" never collides with one.
    item(item: CompiledItem): string {
      if (item.def.kind === 'yesno') return `${url}/codes/yes-no`;
      const scale = item.def.kind === 'scale' ? item.def.scale : item.def.optionsFrom;
      return scale ? `${url}/scales/${scale}` : `${url}/codes/${item.id}`;
    },
  };
}

/** A FHIR "computable name": starts with a capital, letters, digits and _ only. */
function computableName(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Z]/.test(name) ? name : `Q${name}`;
}

/**
 * The instrument as an R4 Questionnaire: one group per section, one item per instrument item (linkId = item id).
 * Coded items are `choice` with their codes and the special codes X/N as answer options. Other items cannot carry
 * answer options in R4, so the special codes they allow are listed in an extension; numeric items carry the
 * standard minValue/maxValue extensions.
 */
export function toQuestionnaire(instrument: CompiledInstrument, options: FhirOptions = {}): Questionnaire {
  const lang = options.lang ?? 'en';
  const systems = codeSystems(instrument.id, options);
  const specialCoding = (code: SpecialCode): FhirCoding => ({ system: systems.special, code, display: SPECIAL_DISPLAY[code][lang] });
  const itemIds = new Set(instrument.items.map((i) => i.id));

  const question = (item: CompiledItem): QuestionnaireItem => {
    const kind = kindExport(item);
    const q: QuestionnaireItem = { linkId: item.id, text: item.def.text[lang], type: kind.fhirType };
    const extension: FhirExtension[] = [];
    if (kind.fhirType === 'choice') {
      q.answerOption = [
        ...(item.options ?? []).map((o) => ({ valueCoding: { system: systems.item(item), code: String(o.value), display: o.label[lang] } })),
        ...item.special.map((code) => ({ valueCoding: specialCoding(code) })),
      ];
    } else {
      for (const code of item.special) extension.push({ url: `${base(options)}/StructureDefinition/special-code`, valueCoding: specialCoding(code) });
    }
    const bounds = kind.bounds?.(item);
    if (bounds) {
      const key = kind.fhirType === 'decimal' ? 'valueDecimal' : 'valueInteger';
      extension.push({ url: 'http://hl7.org/fhir/StructureDefinition/minValue', [key]: bounds.min });
      extension.push({ url: 'http://hl7.org/fhir/StructureDefinition/maxValue', [key]: bounds.max });
    }
    if (item.def.kind === 'text') q.maxLength = item.def.maxLength ?? 2000;
    if (extension.length) q.extension = extension;
    return q;
  };

  const questionnaire: Questionnaire = {
    resourceType: 'Questionnaire',
    ...(FHIR_ID.test(instrument.id) ? { id: instrument.id } : {}),
    url: systems.url,
    version: instrument.version,
    name: computableName(instrument.id),
    title: instrument.def.title[lang],
    status: 'active',
    language: lang,
    ...(instrument.def.description ? { description: instrument.def.description[lang] } : {}),
    item: instrument.sections.map((section) => ({
      // linkIds are unique across the whole Questionnaire; sections and items have separate id spaces.
      linkId: itemIds.has(section.id) ? `section-${section.id}` : section.id,
      text: section.def.title[lang],
      type: 'group',
      item: section.items.map(question),
    })),
  };
  return questionnaire;
}

const RESPONSE_STATUS: Record<InterviewStatus, QuestionnaireResponse['status']> = {
  'in-progress': 'in-progress',
  paused: 'in-progress',
  completed: 'completed',
  terminated: 'stopped',
};

/** One answer as an R4 value[x]: numbers typed by kind, codes and X/N as codings, dates and times as such. */
function answerValue(item: CompiledItem, value: AnswerValue, systems: ReturnType<typeof codeSystems>, lang: Language): QuestionnaireResponseAnswer {
  if (isSpecialCode(value)) return { valueCoding: { system: systems.special, code: value, display: SPECIAL_DISPLAY[value][lang] } };
  const type = kindExport(item).fhirType;
  if (type === 'choice') {
    const option = item.options?.find((o) => o.value === value);
    return { valueCoding: { system: systems.item(item), code: String(value), ...(option ? { display: option.label[lang] } : {}) } };
  }
  if (typeof value === 'number') {
    return type === 'integer' && Number.isSafeInteger(value) && Math.abs(value) <= 2_147_483_647 ? { valueInteger: value } : { valueDecimal: value };
  }
  if (type === 'date') return { valueDate: value };
  if (type === 'time') return { valueTime: /^\d{2}:\d{2}$/.test(value) ? `${value}:00` : value };
  return { valueString: value };
}

export interface ResponseOptions extends FhirOptions {
  /** Default `stored`: every stored answer (see ExportValues). */
  values?: ExportValues;
}

/**
 * The bundle's interviews as a FHIR `collection` Bundle of QuestionnaireResponses. `questionnaire` is the canonical
 * URL with `|version`; the subject is an identifier with the client's pseudonymous code only. Items are nested in
 * their section's group, as in the Questionnaire. Throws when an interview's instrument version is not among
 * `instruments`, rather than leave its answers out.
 */
export function toQuestionnaireResponseBundle(
  bundle: Bundle,
  instruments: readonly CompiledInstrument[],
  options: ResponseOptions = {},
): FhirBundle {
  const lang = options.lang ?? 'en';
  // Default: the answers that count (a skipped item's leftover answer is blank), as scores see them; see docs/decisions.md.
  const values = options.values ?? 'counted';
  const clients = new Map(bundle.clients.map((c) => [c.id, c]));
  const answers = byInterview(bundle.answers);
  const find = (i: InterviewRecord) => instruments.find((x) => x.id === i.instrumentId && x.version === i.instrumentVersion);
  const missing = [...new Set(bundle.interviews.filter((i) => !find(i)).map((i) => `${i.instrumentId}@${i.instrumentVersion}`))];
  if (missing.length) throw new Error(`FHIR export needs the definition of ${missing.join(', ')}`);

  const responses = bundle.interviews.map((interview): QuestionnaireResponse => {
    const instrument = find(interview)!;
    const systems = codeSystems(instrument.id, options);
    const itemIds = new Set(instrument.items.map((i) => i.id));
    const shown = exportedAnswers(interview, answers.get(interview.id) ?? [], instrument, values);
    const groups: QuestionnaireResponseItem[] = [];
    for (const section of instrument.sections) {
      const item = section.items
        .filter((i) => shown.has(i.id))
        .map((i) => ({ linkId: i.id, answer: [answerValue(i, shown.get(i.id)!, systems, lang)] }));
      if (item.length) groups.push({ linkId: itemIds.has(section.id) ? `section-${section.id}` : section.id, item });
    }
    const code = clients.get(interview.clientId)?.code;
    const authored = interview.completedAt ?? interview.terminatedAt ?? interview.updatedAt;
    return {
      resourceType: 'QuestionnaireResponse',
      ...(FHIR_ID.test(interview.id) ? { id: interview.id } : {}),
      extension: [{ url: `${base(options)}/StructureDefinition/round`, valueString: interview.round }],
      identifier: { system: `${base(options)}/interview`, value: interview.id },
      questionnaire: `${systems.url}|${instrument.version}`,
      status: RESPONSE_STATUS[interview.status],
      ...(code ? { subject: { identifier: { system: `${base(options)}/client-code`, value: code } } } : {}),
      ...(authored && DATE_TIME.test(authored) ? { authored } : {}),
      ...(groups.length ? { item: groups } : {}),
    };
  });

  return {
    resourceType: 'Bundle',
    type: 'collection',
    ...(DATE_TIME.test(bundle.exportedAt) ? { timestamp: bundle.exportedAt } : {}),
    ...(responses.length
      ? { entry: responses.map((resource) => ({ ...(UUID.test(resource.identifier.value) ? { fullUrl: `urn:uuid:${resource.identifier.value}` } : {}), resource })) }
      : {}),
  };
}
