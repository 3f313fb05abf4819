// Synthetic interviews: seeded, plausible answers walked through the real plan and written through a store into a bundle.
import { checkAnswer, type CompiledInstrument, type CompiledItem } from '../definition/compiled.js';
import { isSpecialCode, type AnswerLookup, type AnswerValue, type SpecialCode } from '../definition/values.js';
import { exportBundle, type Bundle } from '../exchange/bundle.js';
import { evaluateCondition, evaluateNumber } from '../expression/index.js';
import { firstUnanswered, planInterview, reconcileAutofill, type InterviewPlan, type StoredAnswer } from '../flow/plan.js';
import { scoreRecords } from '../scoring/composite.js';
import { nowWithOffset } from '../storage/audit-chain.js';
import { createMemoryStore } from '../storage/memory-store.js';
import type { AnswerChange, ClientRecord, InterviewRecord, Sex, StoreRecords } from '../storage/types.js';
import { ASI_MODEL } from './asi-model.js';
import { clamp, clamp01, Random, seedNumber, sigmoid, subSeed } from './random.js';

export { mulberry32, seedNumber } from './random.js';

/** The most clients one call simulates; an ASI client with two rounds is roughly 150 KB of bundle. */
export const MAX_SIMULATED_CLIENTS = 100_000;

export interface SimulateOptions {
  instrument: CompiledInstrument;
  /** How many clients, 0 to MAX_SIMULATED_CLIENTS. */
  clients: number;
  /** The rounds each client takes, in order: the first is the intake, each next about 6 months (±2) later. */
  rounds: readonly string[];
  /** A number or any text; the same seed gives the same bundle. */
  seed: number | string;
  /** The export time; interviews all fall in the 12 months (plus the follow-up span) before it. Default: a fixed date derived from the seed. */
  now?: Date;
  /** Share of rounds left unfinished (in progress or paused, stopped midway). Default 0.05. */
  incompleteRate?: number;
  /** Share of asked items answered X or N where the item allows it. Default 0.02. */
  specialRate?: number;
}

export type Direction = 'risk' | 'protective' | 'neutral';

/** What the simulation knows of one item: the life area whose severity drives it and which way. */
export interface ItemModel {
  area: string;
  /** `risk`: a more severe client gives higher values (or yes); `protective`: lower; `neutral`: weakly related. */
  direction: Direction;
  /** For coded score inputs: the option values from the one that scores best to the one that scores worst. */
  order?: readonly number[];
}

export interface ClientState {
  readonly index: number;
  readonly code: string;
  readonly sex: Sex;
  readonly birthYear: number;
  readonly interviewer: string;
  /** Baseline severity per area (logit scale) and its change by the first follow-up (negative: better). */
  readonly base: Map<string, number>;
  readonly change: Map<string, number>;
  /** What an instrument model draws once per client (e.g. the ASI substance profile). */
  readonly traits: Record<string, unknown>;
  /** The client's entered answers of earlier rounds: stable facts are usually given the same way again. */
  readonly memory: Map<string, AnswerValue>;
  /** Calendar day (see dayNumber) of the client's first round. */
  readonly firstDay: number;
}

export interface RoundState {
  readonly id: string;
  /** 0 for the client's first round, 1 for the next, … */
  readonly index: number;
  /** Calendar day (days since 1970-01-01) and its YYYY-MM-DD. */
  readonly day: number;
  readonly date: string;
  readonly start: Date;
  readonly end: Date;
  /** Months since the client's previous round; 0 in the first. */
  readonly monthsSincePrevious: number;
  /** Severity 0–1 per area in this interview. */
  readonly severity: ReadonlyMap<string, number>;
}

/** Everything an answer rule may use; samplers clamp to the item's own bounds. */
export interface AnswerContext {
  readonly rng: Random;
  readonly instrument: CompiledInstrument;
  readonly item: CompiledItem;
  readonly model: ItemModel;
  readonly client: ClientState;
  readonly round: RoundState;
  /** The round asks this item about the time since the previous interview. */
  readonly sinceLast: boolean;
  /** Age in the year of the round. */
  readonly age: number;
  /** The values that count so far in this interview (skipped items are blank). */
  readonly lookup: AnswerLookup;
  /** An earlier answer as a number; blank, X, N and text count as 0. */
  num(itemId: string): number;
  /** Severity 0–1 of an area in this interview; the item's own area by default. */
  severity(area?: string): number;
  /** The generic answer for the item's kind, for rules that only handle some cases. */
  generic(): AnswerValue;
  /** Days of the past 30: none, or more the higher `r` (0–1). */
  days(r: number): number;
  yes(p: number): number;
  /** One of `values` (ordered from least to most severe) by `r` (0–1) with some spread. */
  ordered(values: readonly number[], r: number, spread?: number): number;
  /** A count: `zeroShare` of the time the minimum, else about `mean` (exponential), within the item's bounds. */
  count(mean: number, zeroShare?: number): number;
  /** An amount of money (log-normal by its median), rounded as people say amounts. */
  amount(median: number, sigma: number): number;
}

/** Instrument-specific knowledge layered over the generic rules (see asi-model.ts). */
export interface InstrumentModel {
  /** Mean baseline severity (logit) of an area for this client; undefined for the default. */
  areaMean?(area: string, client: ClientState): number | undefined;
  traits?(rng: Random): Record<string, unknown>;
  /** The answer to an item, or undefined for the generic rule. */
  answer?(ctx: AnswerContext): AnswerValue | undefined;
  /** Items never answered X or N at random (their value carries meaning of its own). */
  noRandomSpecial?: ReadonlySet<string>;
}

const MODELS: Record<string, InstrumentModel> = { asi: ASI_MODEL };
/** Clients simulated at once. */
const CONCURRENCY = 16;

// ---------------------------------------------------------------------------------------------------------------
// Calendar: whole days counted in UTC so that daylight saving never moves a date; clock times are local.

const DAY_MS = 86_400_000;
const MONTH_DAYS = 30.44;

export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

function calendar(day: number): { y: number; m: number; d: number; weekday: number } {
  const date = new Date(day * DAY_MS);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate(), weekday: date.getUTCDay() };
}

export function isoDate(day: number): string {
  const { y, m, d } = calendar(day);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Local clock time on a calendar day: the rendered timestamps are then the same in every time zone but the offset. */
function localTime(day: number, minutes: number, seconds: number, ms: number): Date {
  const { y, m, d } = calendar(day);
  return new Date(y, m - 1, d, Math.floor(minutes / 60), minutes % 60, seconds, ms);
}

const hhmm = (date: Date) => `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;

/** Clinics interview on weekdays: a Saturday or Sunday moves to the Monday. */
function weekday(day: number): number {
  const w = calendar(day).weekday;
  return w === 6 ? day + 2 : w === 0 ? day + 1 : day;
}

/** The default export time: noon on a day in 2025 chosen by the seed, so that a seed alone fixes the output. */
export function defaultNow(seed: number | string): Date {
  const { y, m, d } = calendar(dayNumber(2025, 1, 1) + (seedNumber(seed) % 365));
  return new Date(y, m - 1, d, 12, 0, 0, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// What the instrument says about its items: areas, directions, which answers steer the plan.

interface Structure {
  items: Map<string, ItemModel>;
  areas: string[];
  /** Items that `when` or auto-fill conditions read: answering one may change the plan. */
  referenced: Set<string>;
  /** Items some score reads. */
  scoreInputs: Set<string>;
}

const structures = new WeakMap<CompiledInstrument, Structure>();

export function itemBounds(item: CompiledItem): { min: number; max: number } {
  const def = item.def as { kind: string; min?: number; max?: number; maxYears?: number };
  switch (def.kind) {
    case 'days':
      return { min: 0, max: 30 };
    case 'count':
      return { min: def.min ?? 0, max: def.max ?? 9999 };
    case 'money':
      return { min: 0, max: def.max ?? 10_000_000 };
    case 'duration':
      return { min: 0, max: (def.maxYears ?? 99) * 12 + 11 };
    default:
      return { min: 0, max: 0 };
  }
}

const optionValues = (item: CompiledItem): number[] => item.options?.map((o) => o.value) ?? [];

/** A middling value of the item's kind, for holding a formula's other inputs still while one is varied. */
function typicalValue(item: CompiledItem): AnswerValue {
  const options = optionValues(item);
  if (item.def.kind === 'yesno') return 0;
  if (options.length) return options[Math.floor(options.length / 2)]!;
  switch (item.def.kind) {
    case 'days':
      return 10;
    case 'money':
      return 2000;
    case 'duration':
      return 24;
    case 'count':
      return itemBounds(item).min + 2;
    default:
      return 0;
  }
}

function extremes(item: CompiledItem): [number, number] | undefined {
  const { min } = itemBounds(item);
  switch (item.def.kind) {
    case 'yesno':
      return [0, 1];
    case 'days':
      return [0, 30];
    case 'count':
      return [min, min + 10];
    case 'money':
      return [0, 20_000];
    case 'duration':
      return [0, 120];
    default:
      return undefined;
  }
}

/**
 * Directions come from the score formulas themselves: each input is varied with the others held at middling values,
 * and a score that rises with it makes it a risk item (scores are read as higher = worse, as ASI composites are).
 */
function structureOf(instrument: CompiledInstrument): Structure {
  const cached = structures.get(instrument);
  if (cached) return cached;
  const scoreArea = new Map<string, string>();
  const direction = new Map<string, Direction>();
  const order = new Map<string, number[]>();
  for (const score of instrument.scores) {
    const baseline = new Map(score.inputs.map((id) => [id, typicalValue(instrument.item(id)!)]));
    for (const id of score.inputs) {
      const item = instrument.item(id)!;
      if (!scoreArea.has(id)) scoreArea.set(id, score.id);
      if (direction.has(id)) continue;
      const at = (value: AnswerValue) => evaluateNumber(score.formula, (x) => (x === id ? value : baseline.get(x)));
      const range = extremes(item);
      if (range) {
        const [low, high] = [at(range[0]), at(range[1])];
        if (low !== null && high !== null && low !== high) direction.set(id, high > low ? 'risk' : 'protective');
        continue;
      }
      const effects = optionValues(item).map((value, i) => ({ value, i, f: at(value) }));
      if (effects.length < 2 || effects.some((e) => e.f === null)) continue;
      effects.sort((a, b) => a.f! - b.f! || a.i - b.i);
      if (effects[0]!.f === effects[effects.length - 1]!.f) continue;
      direction.set(id, 'risk');
      order.set(
        id,
        effects.map((e) => e.value),
      );
    }
  }

  const areaOf = new Map<string, string>(scoreArea);
  for (const area of instrument.def.profile ?? []) {
    for (const rating of area.ratings ?? []) if (!areaOf.has(rating)) areaOf.set(rating, area.scores?.[0] ?? `profile:${area.id}`);
  }
  for (const section of instrument.sections) {
    const votes = new Map<string, number>();
    for (const item of section.items) {
      const a = scoreArea.get(item.id);
      if (a) votes.set(a, (votes.get(a) ?? 0) + 1);
    }
    const majority = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? `section:${section.id}`;
    for (const item of section.items) if (!areaOf.has(item.id)) areaOf.set(item.id, majority);
  }

  const items = new Map<string, ItemModel>();
  for (const item of instrument.items) {
    const dir = direction.get(item.id) ?? (item.def.kind === 'scale' ? 'risk' : 'neutral');
    const ord = order.get(item.id);
    items.set(item.id, { area: areaOf.get(item.id)!, direction: dir, ...(ord ? { order: ord } : {}) });
  }
  const referenced = new Set<string>();
  for (const item of instrument.items) {
    for (const id of item.when?.references ?? []) referenced.add(id);
    for (const rule of item.autofill) for (const id of rule.when.references) referenced.add(id);
  }
  const structure: Structure = {
    items,
    areas: [...new Set(instrument.items.map((i) => areaOf.get(i.id)!))],
    referenced,
    scoreInputs: new Set(scoreArea.keys()),
  };
  structures.set(instrument, structure);
  return structure;
}

// ---------------------------------------------------------------------------------------------------------------
// Generic answers by kind

function genericAnswer(ctx: AnswerContext): AnswerValue {
  const { item, rng, model } = ctx;
  const s = ctx.severity();
  const r = model.direction === 'protective' ? 1 - s : model.direction === 'risk' ? s : 0.1 + 0.4 * s;
  switch (item.def.kind) {
    case 'days':
      return ctx.days(r);
    case 'yesno':
      return ctx.yes(model.direction === 'neutral' ? 0.1 + 0.4 * s : 0.05 + 0.85 * r);
    case 'scale':
    case 'choice': {
      const options = optionValues(item);
      if (model.order) return ctx.ordered(model.order, s);
      if (item.def.kind === 'scale') return ctx.ordered([...options].sort((a, b) => a - b), r);
      // An unordered code list: earlier codes a little more common, as lists tend to start with the usual case.
      return rng.weighted(options.map((value, i) => [value, 1 / (i + 1) ** 0.8] as const));
    }
    case 'count': {
      const unit = (item.def as { unit?: string }).unit ?? 'none';
      let [mean, zero] =
        unit === 'times'
          ? [0.5 + 6 * r * r, clamp(0.8 - r, 0.1, 0.9)]
          : unit === 'years'
            ? [1 + 12 * r, clamp(0.6 - r, 0.05, 0.9)]
            : unit === 'months'
              ? [2 + 24 * r * r, clamp(0.85 - r, 0.1, 0.95)]
              : [1 + 2 * r, 0.3];
      if (ctx.sinceLast) [mean, zero] = [mean * 0.3, 1 - (1 - zero) * 0.4];
      const value = ctx.count(mean, zero);
      return unit === 'years' ? Math.min(value, Math.max(itemBounds(item).min, ctx.age - 12)) : value;
    }
    case 'money': {
      let [p, median, sigma] =
        model.direction === 'risk'
          ? [clamp01(1.1 * r ** 1.5), 200 * Math.exp(4 * r), 0.8]
          : model.direction === 'protective'
            ? [0.15 + 0.8 * r, 8000 + 12_000 * r, 0.4]
            : [0.2, 4000, 0.7];
      if (ctx.sinceLast) median *= Math.max(1, ctx.round.monthsSincePrevious) * rng.uniform(0.4, 1);
      return rng.chance(p) ? ctx.amount(median, sigma) : 0;
    }
    case 'duration': {
      const cap = Math.min(itemBounds(item).max, Math.max(1, (ctx.age - 15) * 12));
      return clamp(Math.round(rng.exponential(36 * (0.5 + r))), 0, cap);
    }
    case 'date':
      return isoDate(item.id === ctx.instrument.def.dateItem ? ctx.round.day : ctx.round.day - rng.int(1, 60));
    case 'time': {
      // The first clock time of a round is when it began, a later one when it ended (ASI G6/G7).
      const later = ctx.instrument.itemsInRound(ctx.round.id).some((i) => i.def.kind === 'time' && i.index < item.index);
      return hhmm(later ? ctx.round.end : ctx.round.start);
    }
    case 'text':
      return 'Simulerat svar';
    default:
      throw new Error(`The simulation has no rule for items of kind "${item.def.kind}" (${item.id})`);
  }
}

function roundAmount(value: number): number {
  return value < 1000 ? Math.max(10, Math.round(value / 10) * 10) : Math.round(value / 100) * 100;
}

function makeContext(
  rng: Random,
  instrument: CompiledInstrument,
  item: CompiledItem,
  model: ItemModel,
  client: ClientState,
  round: RoundState,
  lookup: AnswerLookup,
): AnswerContext {
  const { min, max } = itemBounds(item);
  const ctx: AnswerContext = {
    rng,
    instrument,
    item,
    model,
    client,
    round,
    sinceLast: item.sinceLast.has(round.id) && round.index > 0,
    age: calendar(round.day).y - client.birthYear,
    lookup,
    num(id) {
      const v = lookup(id);
      return typeof v === 'number' ? v : 0;
    },
    severity: (area = model.area) => round.severity.get(area) ?? 0.3,
    generic: () => genericAnswer(ctx),
    days(r) {
      if (!rng.chance(clamp01(1.15 * r - 0.05))) return 0;
      return clamp(Math.round(30 * clamp01(r + rng.normal(0, 0.2)) ** 1.2), 1, 30);
    },
    yes: (p) => (rng.chance(p) ? 1 : 0),
    ordered(values, r, spread = 0.15) {
      return values[Math.round((values.length - 1) * clamp01(r + rng.normal(0, spread)))]!;
    },
    count(mean, zeroShare = 0) {
      if (rng.chance(zeroShare)) return min;
      return clamp(Math.max(1, Math.round(rng.exponential(mean))), min, max);
    },
    amount: (median, sigma) => clamp(roundAmount(rng.lognormal(median, sigma)), min, max),
  };
  return ctx;
}

// ---------------------------------------------------------------------------------------------------------------
// One answer: model or generic rule, then the same checks the interview applies

/**
 * A value the item accepts (`checkAnswer`) that breaks none of its error rules. A warning rule is honoured too when a
 * few tries or a nearby option can, as an interviewer would correct the answer; otherwise the answer stands.
 */
function answerFor(ctx: AnswerContext, instrumentModel: InstrumentModel, special: SpecialCode | undefined): AnswerValue {
  const { item, instrument, rng, client } = ctx;
  const draw = (): AnswerValue => instrumentModel.answer?.(ctx) ?? genericAnswer(ctx);
  const broken = (value: AnswerValue): 'error' | 'warning' | null => {
    if (checkAnswer(instrument, item, value)) return 'error';
    const lookup: AnswerLookup = (id) => (id === item.id ? value : ctx.lookup(id));
    let worst: 'error' | 'warning' | null = null;
    for (const rule of item.validate) {
      if (evaluateCondition(rule.rule, lookup) !== false) continue;
      if (rule.level === 'error') return 'error';
      worst = 'warning';
    }
    return worst;
  };

  /** The first value without an error: kept when no try satisfies a warning rule. */
  let first: AnswerValue | undefined;
  const accept = (value: AnswerValue): boolean => {
    const problem = broken(value);
    if (problem !== 'error') first ??= value;
    return problem === null;
  };
  if (special !== undefined && accept(special)) return special;
  // Stable facts (lifetime, current) are usually given as in the previous round.
  const remembered = client.memory.get(item.id);
  const stable = item.def.timeframe === 'lifetime' ? 0.95 : item.def.timeframe === 'current' ? 0.85 : 0;
  if (remembered !== undefined && !ctx.sinceLast && !isSpecialCode(remembered) && rng.chance(stable) && accept(remembered)) return remembered;
  for (let attempt = 0; attempt < 3; attempt++) {
    const value = draw();
    if (accept(value)) return value;
  }
  // Nearby codes or the lowest number: what an interviewer would try when the rule questions an answer.
  const near = typeof first === 'number' ? first : 0;
  const fallbacks: AnswerValue[] = item.options
    ? optionValues(item).sort((a, b) => Math.abs(a - near) - Math.abs(b - near) || a - b)
    : extremes(item)
      ? [itemBounds(item).min]
      : [];
  for (const value of fallbacks) if (broken(value) === null) return value;
  if (first !== undefined) return first;
  for (const code of item.special) if (broken(code) !== 'error') return code;
  throw new Error(`The simulation found no acceptable answer to item ${item.id}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Clients and rounds

const SEXES: readonly (readonly [Sex, number])[] = [
  ['male', 0.68],
  ['female', 0.31],
  ['other', 0.005],
  ['unknown', 0.005],
];

function newClient(
  rng: Random,
  index: number,
  structure: Structure,
  model: InstrumentModel,
  firstDay: number,
): { client: ClientState; id: string } {
  const id = rng.uuid();
  const sex = rng.weighted(SEXES);
  const birthYear = clamp(Math.round(rng.normal(1984, 11)), 1950, 2005);
  const interviewer = `INT-${String(rng.int(1, 8)).padStart(2, '0')}`;
  const traits = model.traits?.(rng) ?? {};
  const partial = {
    index,
    code: `SIM-${String(index + 1).padStart(4, '0')}`,
    sex,
    birthYear,
    interviewer,
    base: new Map<string, number>(),
    change: new Map<string, number>(),
    traits,
    memory: new Map<string, AnswerValue>(),
    firstDay,
  };
  // One general factor shared by every area makes the composites correlate, as problems in real clients do.
  const general = rng.normal();
  const trend = rng.normal(-0.9, 0.8);
  for (const area of structure.areas) {
    const mean = model.areaMean?.(area, partial) ?? -0.3;
    partial.base.set(area, mean + 0.9 * general + 0.8 * rng.normal());
    partial.change.set(area, trend + rng.normal(0, 0.5));
  }
  return { client: partial, id };
}

/** Calendar days of a client's rounds: the intake within a year, each next one 6 months (±2) later, all before `nowDay`. */
function roundDays(rng: Random, count: number, nowDay: number): number[] {
  const span = (count - 1) * 246;
  const days = [weekday(nowDay - 4 - span - rng.int(0, 364))];
  for (let i = 1; i < count; i++) days.push(weekday(days[i - 1]! + 182 + rng.int(-61, 61)));
  return days;
}

interface Walked {
  answers: Record<string, StoredAnswer>;
  /** Entered items in the order they were asked. */
  entered: string[];
}

/** Asks the round's items in order, re-planning whenever an answer may change what is asked or filled in. */
function walk(
  rng: Random,
  instrument: CompiledInstrument,
  structure: Structure,
  model: InstrumentModel,
  client: ClientState,
  round: RoundState,
  specialRate: number,
): Walked {
  const answers: Record<string, StoredAnswer> = {};
  const entered: string[] = [];
  let plan: InterviewPlan = planInterview(instrument, round.id, answers);
  const lookup: AnswerLookup = (id) => {
    const step = plan.step(id);
    if (!step || step.state === 'skip') return undefined;
    return step.state === 'autofill' ? step.value : answers[id]?.value;
  };
  const noSpecial = model.noRandomSpecial;
  // A second pass only matters for conditions that read later items (a later answer can make an earlier item asked).
  for (let pass = 0; pass < 3 && firstUnanswered(plan) !== null; pass++) {
    for (let i = 0; i < plan.steps.length; i++) {
      const step = plan.steps[i]!;
      if (step.state !== 'ask' || answers[step.item.id]) continue;
      const item = step.item;
      const allowed = item.id !== instrument.def.dateItem && !noSpecial?.has(item.id) ? item.special : [];
      // Interviewers press for the answers the scores need, so those are left X or N a quarter as often.
      const rate = structure.scoreInputs.has(item.id) ? specialRate / 4 : specialRate;
      const special =
        allowed.length > 0 && rng.chance(rate) ? (allowed.length > 1 && rng.chance(0.4) ? allowed[1] : allowed[0]) : undefined;
      const ctx = makeContext(rng, instrument, item, structure.items.get(item.id)!, client, round, lookup);
      answers[item.id] = { value: answerFor(ctx, model, special), source: 'entered' };
      entered.push(item.id);
      if (structure.referenced.has(item.id)) plan = planInterview(instrument, round.id, answers);
    }
  }
  return { answers, entered };
}

/** The writes of a round in item order, auto-filled values beside the answers that caused them. */
function changesOf(instrument: CompiledInstrument, plan: InterviewPlan, answers: Record<string, StoredAnswer>): AnswerChange[] {
  const changes: AnswerChange[] = [
    ...Object.entries(answers).map(([itemId, a]) => ({ itemId, value: a.value, source: a.source })),
    ...reconcileAutofill(plan, answers),
  ];
  const index = (id: string) => instrument.item(id)!.index;
  return changes.sort((a, b) => index(a.itemId) - index(b.itemId));
}

/** One client with all their rounds, written through a store of their own (each store's audit stays small). */
async function simulateClient(
  instrument: CompiledInstrument,
  structure: Structure,
  model: InstrumentModel,
  seed: number,
  index: number,
  rounds: readonly string[],
  nowDay: number,
  incompleteRate: number,
  specialRate: number,
): Promise<StoreRecords> {
  const rng = new Random(subSeed(seed, index));
  const days = roundDays(rng, rounds.length, nowDay);
  const { client, id: clientId } = newClient(rng, index, structure, model, days[0]!);
  let clock = new Date(0);
  const store = createMemoryStore({ now: () => clock });

  for (const [k, roundId] of rounds.entries()) {
    const day = days[k]!;
    const start = localTime(day, 8 * 60 + 15 * rng.int(0, 31) + rng.int(0, 9), rng.int(0, 59), rng.int(0, 999));
    const minutes = instrument.itemsInRound(roundId).length * rng.uniform(0.22, 0.38) + rng.uniform(3, 10);
    const end = new Date(start.getTime() + Math.round(minutes * 60_000) + rng.int(0, 999));
    if (k === 0) {
      const created = nowWithOffset(new Date(start.getTime() - rng.int(2, 15) * 60_000));
      const record: ClientRecord = { id: clientId, code: client.code, sex: client.sex, birthYear: client.birthYear, createdAt: created, updatedAt: created };
      await store.putClient(record);
    }
    const progress = k === 0 ? 0 : 1 + 0.3 * (k - 1);
    const severity = new Map<string, number>();
    for (const area of structure.areas) {
      severity.set(area, sigmoid(client.base.get(area)! + client.change.get(area)! * progress + rng.normal(0, 0.3)));
    }
    const round: RoundState = {
      id: roundId,
      index: k,
      day,
      date: isoDate(day),
      start,
      end,
      monthsSincePrevious: k === 0 ? 0 : (day - days[k - 1]!) / MONTH_DAYS,
      severity,
    };

    const walked = walk(rng, instrument, structure, model, client, round, specialRate);
    const incomplete = rng.chance(incompleteRate);
    const status = incomplete ? (rng.chance(0.5) ? 'paused' : 'in-progress') : 'completed';
    const kept = incomplete ? walked.entered.slice(0, Math.max(1, Math.floor(walked.entered.length * rng.uniform(0.1, 0.9)))) : walked.entered;
    const answers: Record<string, StoredAnswer> = {};
    for (const id of kept) answers[id] = walked.answers[id]!;
    const plan = planInterview(instrument, roundId, answers);
    for (const id of kept) client.memory.set(id, answers[id]!.value);

    const interviewId = rng.uuid();
    const interview: InterviewRecord = {
      id: interviewId,
      clientId,
      instrumentId: instrument.id,
      instrumentVersion: instrument.version,
      round: roundId,
      status: 'in-progress',
      mode: 'interviewer',
      interviewer: client.interviewer,
      startedAt: nowWithOffset(start),
      updatedAt: nowWithOffset(start),
    };
    clock = start;
    await store.createInterview(interview);
    const actor = client.interviewer;
    const position = incomplete ? firstUnanswered(plan) : null;
    // A stopped interview's last answer came partway through its planned time.
    clock = incomplete ? new Date(start.getTime() + (end.getTime() - start.getTime()) * (kept.length / walked.entered.length)) : end;
    await store.saveAnswers(interviewId, changesOf(instrument, plan, answers), { actor, ...(position ? { interview: { position } } : {}) });
    if (status === 'completed') {
      const computedAt = nowWithOffset(end);
      await store.putScores(interviewId, scoreRecords(instrument, roundId, plan.lookup, interviewId, computedAt));
      await store.updateInterview(interviewId, { status: 'completed', completedAt: computedAt }, { actor });
    } else if (status === 'paused') {
      await store.updateInterview(interviewId, { status: 'paused', ...(position ? { position } : {}) }, { actor });
    }
  }
  return store.exportRecords!();
}

/**
 * A bundle of synthetic interviews: per client a pseudonymous code (SIM-0001…), sex, birth year and a latent
 * severity per life area (correlated across areas) that drives the answers, improving on average by the follow-ups.
 * Answers follow the real plan (skips, auto-fills, valid values, validation rules); about 2% are X or N where
 * allowed, and about 5% of rounds are left unfinished. Everything is written through a memory store and exported,
 * so audit chains are valid and the bundle passes `parseBundle` and `importBundle`. The same seed (and `now`) gives
 * the same bundle; timestamps are local clock times, so only their UTC offset depends on the time zone.
 */
export async function simulateBundle(options: SimulateOptions): Promise<Bundle> {
  const { instrument, clients, rounds, seed } = options;
  if (!Number.isInteger(clients) || clients < 0 || clients > MAX_SIMULATED_CLIENTS) {
    throw new RangeError(`The number of clients must be a whole number from 0 to ${MAX_SIMULATED_CLIENTS} (got ${clients})`);
  }
  const known = instrument.def.rounds.map((r) => r.id);
  const unknown = rounds.filter((r) => !known.includes(r));
  if (rounds.length === 0 || unknown.length > 0) {
    throw new RangeError(
      `${rounds.length === 0 ? 'Give at least one round' : `Unknown round${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}`} (rounds of ${instrument.id}: ${known.join(', ')})`,
    );
  }
  const now = options.now ?? defaultNow(seed);
  const nowDay = dayNumber(now.getFullYear(), now.getMonth() + 1, now.getDate());
  const structure = structureOf(instrument);
  const model = MODELS[instrument.id] ?? {};
  const base = seedNumber(seed);
  const incompleteRate = options.incompleteRate ?? 0.05;
  const specialRate = options.specialRate ?? 0.02;
  const results: StoreRecords[] = new Array(clients);
  // Clients are independent (own random stream, own store), so several run at once: sealing audit events awaits
  // the platform's SHA-256, and overlapping those waits is most of the speed. Results are kept in client order.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < clients; i = next++) {
      results[i] = await simulateClient(instrument, structure, model, base, i, rounds, nowDay, incompleteRate, specialRate);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, clients) }, worker));
  const all: StoreRecords = { clients: [], interviews: [], answers: [], audit: [], scores: [] };
  for (const records of results) {
    for (const key of ['clients', 'interviews', 'answers', 'audit', 'scores'] as const) {
      for (const record of records[key]) (all[key] as unknown[]).push(record);
    }
  }
  const store = createMemoryStore({ now: () => now });
  await store.importRecords(all);
  return exportBundle(store, {}, { now: () => now });
}
