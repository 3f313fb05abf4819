// A small structural validator for the FHIR R4 JSON this library writes: elements, cardinalities, value[x], primitives.
/**
 * Covers Bundle, Questionnaire and QuestionnaireResponse with the data types they use here (Coding, Identifier,
 * Reference, Extension), following the R4 specification (hl7.org/fhir/R4): known elements only, cardinalities,
 * required elements, one value[x], the regular expressions of the primitive types, required code values, the JSON
 * rules (no nulls, no empty arrays, objects or strings) and the invariants que-1, que-2, que-5, qrs-1, ext-1 and
 * bdl-1. It is not a full FHIR validator: no terminology, profiles or FHIRPath.
 */

export interface FhirProblem {
  path: string;
  message: string;
}

type Primitive =
  | 'boolean'
  | 'integer'
  | 'unsignedInt'
  | 'positiveInt'
  | 'decimal'
  | 'string'
  | 'markdown'
  | 'code'
  | 'id'
  | 'uri'
  | 'url'
  | 'canonical'
  | 'date'
  | 'dateTime'
  | 'instant'
  | 'time';
type Complex = 'Coding' | 'Identifier' | 'Reference' | 'Extension' | 'Resource' | 'QItem' | 'QAnswerOption' | 'QRItem' | 'QRAnswer' | 'BundleEntry';
type TypeName = Primitive | Complex;

interface Element {
  type: TypeName;
  min?: 1;
  many?: true;
  /** Required binding: the only allowed codes. */
  codes?: readonly string[];
}
interface Choice {
  types: readonly TypeName[];
  min: 0 | 1;
}
interface Structure {
  elements: Record<string, Element>;
  /** value[x] and the like: the element's base name and its allowed types. */
  choices?: Record<string, Choice>;
  rules?: (node: Record<string, unknown>, problem: (message: string, at?: string) => void) => void;
}

// Regular expressions of the R4 primitive types (hl7.org/fhir/R4/datatypes.html), anchored.
const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[1-2][0-9]|3[0-1])';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const ZONE = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';
const PATTERNS: Partial<Record<Primitive, RegExp>> = {
  code: /^[^\s]+( [^\s]+)*$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  uri: /^\S+$/,
  url: /^\S+$/,
  canonical: /^\S+$/,
  date: new RegExp(`^${YEAR}(-${MONTH}(-${DAY})?)?$`),
  dateTime: new RegExp(`^${YEAR}(-${MONTH}(-${DAY}(T${TIME}${ZONE})?)?)?$`),
  instant: new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${ZONE}$`),
  time: new RegExp(`^${TIME}$`),
};
const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

function primitiveProblem(type: Primitive, value: unknown): string | null {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'integer':
    case 'unsignedInt':
    case 'positiveInt': {
      const min = type === 'integer' ? INT_MIN : type === 'unsignedInt' ? 0 : 1;
      return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= INT_MAX
        ? null
        : `must be a whole number from ${min} to ${INT_MAX} (${type})`;
    }
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a JSON number (decimal)';
    default: {
      if (typeof value !== 'string') return `must be a string (${type})`;
      if (value.length === 0) return 'must not be an empty string';
      if (value.trim() === '' && (type === 'string' || type === 'markdown')) return 'must not be only whitespace';
      const pattern = PATTERNS[type];
      return pattern && !pattern.test(value) ? `${JSON.stringify(value)} is not a valid ${type}` : null;
    }
  }
}

const base: Record<string, Element> = { id: { type: 'string' }, extension: { type: 'Extension', many: true } };
const backbone: Record<string, Element> = { ...base, modifierExtension: { type: 'Extension', many: true } };
const resource: Record<string, Element> = {
  resourceType: { type: 'code', min: 1 },
  id: { type: 'id' },
  implicitRules: { type: 'uri' },
  language: { type: 'code' },
  extension: { type: 'Extension', many: true },
  modifierExtension: { type: 'Extension', many: true },
};

const ITEM_TYPES = [
  'group',
  'display',
  'boolean',
  'decimal',
  'integer',
  'date',
  'dateTime',
  'time',
  'string',
  'text',
  'url',
  'choice',
  'open-choice',
  'attachment',
  'reference',
  'quantity',
] as const;
const SIMPLE_TYPES = ['boolean', 'decimal', 'integer', 'string', 'text', 'url', 'open-choice'];

const STRUCTURES: Record<Exclude<Complex, 'Resource'> | 'Questionnaire' | 'QuestionnaireResponse' | 'Bundle', Structure> = {
  Coding: {
    elements: { ...base, system: { type: 'uri' }, version: { type: 'string' }, code: { type: 'code' }, display: { type: 'string' }, userSelected: { type: 'boolean' } },
  },
  Identifier: {
    elements: {
      ...base,
      use: { type: 'code', codes: ['usual', 'official', 'temp', 'secondary', 'old'] },
      system: { type: 'uri' },
      value: { type: 'string' },
      assigner: { type: 'Reference' },
    },
  },
  Reference: {
    elements: { ...base, reference: { type: 'string' }, type: { type: 'uri' }, identifier: { type: 'Identifier' }, display: { type: 'string' } },
  },
  Extension: {
    elements: { ...base, url: { type: 'uri', min: 1 } },
    choices: {
      value: { types: ['boolean', 'integer', 'decimal', 'string', 'code', 'uri', 'canonical', 'date', 'dateTime', 'time', 'Coding', 'Identifier', 'Reference'], min: 0 },
    },
    rules(node, problem) {
      const hasValue = Object.keys(node).some((k) => k.startsWith('value'));
      if (hasValue === (node.extension !== undefined)) problem('must have either extensions or a value[x], not both (ext-1)');
    },
  },
  Questionnaire: {
    elements: {
      ...resource,
      url: { type: 'uri' },
      identifier: { type: 'Identifier', many: true },
      version: { type: 'string' },
      name: { type: 'string' },
      title: { type: 'string' },
      derivedFrom: { type: 'canonical', many: true },
      status: { type: 'code', min: 1, codes: ['draft', 'active', 'retired', 'unknown'] },
      experimental: { type: 'boolean' },
      subjectType: { type: 'code', many: true },
      date: { type: 'dateTime' },
      publisher: { type: 'string' },
      description: { type: 'markdown' },
      purpose: { type: 'markdown' },
      copyright: { type: 'markdown' },
      approvalDate: { type: 'date' },
      lastReviewDate: { type: 'date' },
      code: { type: 'Coding', many: true },
      item: { type: 'QItem', many: true },
    },
    rules(node, problem) {
      if (typeof node.name === 'string' && !/^[A-Z]([A-Za-z0-9_]){0,254}$/.test(node.name)) {
        problem('should be a computable name: a capital letter, then letters, digits or _ (que-0)', 'name');
      }
      // que-2: linkIds are unique across the whole Questionnaire.
      const seen = new Set<string>();
      const walk = (items: unknown, path: string) => {
        if (!Array.isArray(items)) return;
        items.forEach((item, i) => {
          const linkId = (item as { linkId?: unknown } | null)?.linkId;
          if (typeof linkId === 'string') {
            if (seen.has(linkId)) problem(`linkId ${JSON.stringify(linkId)} is used more than once (que-2)`, `${path}[${i}].linkId`);
            seen.add(linkId);
          }
          walk((item as { item?: unknown } | null)?.item, `${path}[${i}].item`);
        });
      };
      walk(node.item, 'item');
    },
  },
  QItem: {
    elements: {
      ...backbone,
      linkId: { type: 'string', min: 1 },
      definition: { type: 'uri' },
      code: { type: 'Coding', many: true },
      prefix: { type: 'string' },
      text: { type: 'string' },
      type: { type: 'code', min: 1, codes: ITEM_TYPES },
      enableBehavior: { type: 'code', codes: ['all', 'any'] },
      required: { type: 'boolean' },
      repeats: { type: 'boolean' },
      readOnly: { type: 'boolean' },
      maxLength: { type: 'integer' },
      answerValueSet: { type: 'canonical' },
      answerOption: { type: 'QAnswerOption', many: true },
      item: { type: 'QItem', many: true },
    },
    rules(node, problem) {
      if (node.type === 'group' && node.item === undefined) problem('a group must have nested items (que-1)');
      if (node.type === 'display' && node.item !== undefined) problem('a display item cannot have nested items (que-1)');
      if (node.answerOption !== undefined && node.type !== 'choice' && node.type !== 'open-choice') {
        problem('only choice and open-choice items can have answerOption (que-5)', 'answerOption');
      }
      if (node.maxLength !== undefined && !SIMPLE_TYPES.includes(node.type as string)) {
        problem('maxLength is only for simple question types (que-10)', 'maxLength');
      }
    },
  },
  QAnswerOption: {
    elements: { ...backbone, initialSelected: { type: 'boolean' } },
    choices: { value: { types: ['integer', 'date', 'time', 'string', 'Coding', 'Reference'], min: 1 } },
  },
  QuestionnaireResponse: {
    elements: {
      ...resource,
      identifier: { type: 'Identifier' },
      basedOn: { type: 'Reference', many: true },
      partOf: { type: 'Reference', many: true },
      questionnaire: { type: 'canonical' },
      status: { type: 'code', min: 1, codes: ['in-progress', 'completed', 'amended', 'entered-in-error', 'stopped'] },
      subject: { type: 'Reference' },
      encounter: { type: 'Reference' },
      authored: { type: 'dateTime' },
      author: { type: 'Reference' },
      source: { type: 'Reference' },
      item: { type: 'QRItem', many: true },
    },
  },
  QRItem: {
    elements: {
      ...backbone,
      linkId: { type: 'string', min: 1 },
      definition: { type: 'uri' },
      text: { type: 'string' },
      answer: { type: 'QRAnswer', many: true },
      item: { type: 'QRItem', many: true },
    },
    rules(node, problem) {
      if (node.answer !== undefined && node.item !== undefined) problem("nested items can't be beneath both item and answer (qrs-1)");
    },
  },
  QRAnswer: {
    elements: { ...backbone, item: { type: 'QRItem', many: true } },
    // R4 allows an answer without a value; one that says nothing is a mistake in what we write, so it is required here.
    choices: { value: { types: ['boolean', 'decimal', 'integer', 'date', 'dateTime', 'time', 'string', 'uri', 'Coding', 'Reference'], min: 1 } },
  },
  Bundle: {
    elements: {
      ...resource,
      identifier: { type: 'Identifier' },
      type: {
        type: 'code',
        min: 1,
        codes: ['document', 'message', 'transaction', 'transaction-response', 'batch', 'batch-response', 'history', 'searchset', 'collection'],
      },
      timestamp: { type: 'instant' },
      total: { type: 'unsignedInt' },
      entry: { type: 'BundleEntry', many: true },
    },
    rules(node, problem) {
      if (node.total !== undefined && node.type !== 'searchset' && node.type !== 'history') {
        problem('total is only for searchset and history bundles (bdl-1)', 'total');
      }
    },
  },
  BundleEntry: {
    elements: { ...backbone, fullUrl: { type: 'uri' }, resource: { type: 'Resource' } },
  },
};

const RESOURCE_TYPES = ['Bundle', 'Questionnaire', 'QuestionnaireResponse'] as const;

const capitalised = (type: TypeName) => type[0]!.toUpperCase() + type.slice(1);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Problems with a Bundle, Questionnaire or QuestionnaireResponse as R4 JSON; an empty list when it is valid. */
export function validateFhirResource(resource: unknown): FhirProblem[] {
  const problems: FhirProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });

  const checkValue = (type: TypeName, value: unknown, path: string) => {
    if (value === null) return report(path, 'must not be null (leave the element out instead)');
    if (type === 'Resource') return checkResource(value, path);
    if (type in STRUCTURES) return checkStructure(STRUCTURES[type as keyof typeof STRUCTURES], value, path);
    const problem = primitiveProblem(type as Primitive, value);
    if (problem) report(path, problem);
  };

  const checkStructure = (structure: Structure, node: unknown, path: string) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return report(path, 'must be a JSON object');
    const record = node as Record<string, unknown>;
    if (Object.keys(record).length === 0) return report(path, 'must not be an empty object');
    const choiceOf = (key: string) => {
      for (const [name, choice] of Object.entries(structure.choices ?? {})) {
        const type = choice.types.find((t) => key === name + capitalised(t));
        if (type) return { name, type };
      }
      return undefined;
    };
    const chosen = new Map<string, string[]>();
    for (const [key, value] of Object.entries(record)) {
      const at = join(path, key);
      const element = structure.elements[key];
      const choice = element ? undefined : choiceOf(key);
      if (!element && !choice) {
        report(at, `unknown element "${key}"`);
        continue;
      }
      if (choice) {
        chosen.set(choice.name, [...(chosen.get(choice.name) ?? []), key]);
        if (Array.isArray(value)) report(at, 'must be a single value, not a list');
        else checkValue(choice.type, value, at);
        continue;
      }
      const { type, many, codes } = element!;
      if (many) {
        if (!Array.isArray(value)) report(at, 'must be a list (it can repeat)');
        else if (value.length === 0) report(at, 'must not be an empty list (leave the element out instead)');
        else value.forEach((v, i) => checkValue(type, v, `${at}[${i}]`));
      } else if (Array.isArray(value)) {
        report(at, 'must be a single value, not a list');
      } else {
        checkValue(type, value, at);
      }
      if (codes) {
        for (const [i, code] of (Array.isArray(value) ? value : [value]).entries()) {
          if (typeof code === 'string' && !codes.includes(code)) report(many ? `${at}[${i}]` : at, `${JSON.stringify(code)} is not one of ${codes.join(', ')}`);
        }
      }
    }
    for (const [key, element] of Object.entries(structure.elements)) {
      if (element.min && record[key] === undefined) report(join(path, key), 'is required');
    }
    for (const [name, choice] of Object.entries(structure.choices ?? {})) {
      const keys = chosen.get(name) ?? [];
      if (keys.length > 1) report(path, `has ${keys.join(' and ')}: ${name}[x] takes one value`);
      if (keys.length === 0 && choice.min === 1) report(join(path, `${name}[x]`), 'is required');
    }
    structure.rules?.(record, (message, at) => report(at ? join(path, at) : path, message));
  };

  const checkResource = (node: unknown, path: string) => {
    const type = (node as { resourceType?: unknown } | null)?.resourceType;
    if (typeof type !== 'string' || !(RESOURCE_TYPES as readonly string[]).includes(type)) {
      return report(join(path, 'resourceType'), `must be one of ${RESOURCE_TYPES.join(', ')}`);
    }
    checkStructure(STRUCTURES[type as (typeof RESOURCE_TYPES)[number]], node, path);
  };

  checkResource(resource, '');
  return problems;
}
