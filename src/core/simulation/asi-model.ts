// What the simulation knows of ASI beyond the generic rules: a substance profile, and items that must agree with each other.
import type { AnswerValue } from '../definition/values.js';
import { clamp, clamp01, type Random } from './random.js';
import type { AnswerContext, InstrumentModel } from './simulate.js';

/** Drawn once per client: what the client's substance problem is. Drug numbers are ASI's D3–D12 (= D14's codes). */
interface AsiTraits {
  alcohol: boolean;
  /** Problem drugs, the primary first. */
  drugs: number[];
  /** Drinks now and then without it being a problem. */
  social: boolean;
  /** Usual route per substance, once drawn. */
  routes: Record<number, number>;
  /** Days from the admission (G4) to the first interview. */
  admissionOffset?: number;
}

type Weights = readonly (readonly [number, number])[];

/** Primary drugs among clients in Swedish addiction care, roughly: amphetamines and cannabis lead, then opioids. */
const DRUGS: Weights = [
  [9, 30],
  [10, 24],
  [3, 13],
  [5, 10],
  [7, 9],
  [8, 7],
  [4, 3],
  [11, 2],
  [6, 1.5],
  [12, 0.5],
];

/** Route codes (1 oral, 2 nasal, 3 smoking, 4 non-IV injection, 5 IV injection) per substance. */
const ROUTES: Record<number, Weights> = {
  1: [[1, 1]],
  2: [[1, 1]],
  3: [
    [5, 0.6],
    [3, 0.3],
    [2, 0.1],
  ],
  4: [[1, 1]],
  5: [
    [1, 0.8],
    [5, 0.15],
    [2, 0.05],
  ],
  6: [
    [1, 0.95],
    [5, 0.05],
  ],
  7: [
    [1, 0.95],
    [5, 0.05],
  ],
  8: [
    [2, 0.75],
    [3, 0.15],
    [5, 0.1],
  ],
  9: [
    [5, 0.45],
    [1, 0.35],
    [2, 0.2],
  ],
  10: [
    [3, 0.95],
    [1, 0.05],
  ],
  11: [[1, 1]],
  12: [[2, 1]],
  13: [[1, 1]],
};

const OFFENCES = (t: AsiTraits): Weights => [
  [8, 20],
  [5, t.drugs.length ? 25 : 8],
  [10, 15],
  [3, 12],
  [4, 8],
  [16, 8],
  [19, t.alcohol ? 8 : 2],
  [9, 5],
  [18, 4],
  [6, 3],
  [7, 3],
  [20, 3],
  [15, 2],
  [14, 0.5],
  [11, 0.3],
  [12, 0.3],
  [13, 0.3],
];

/** Charges L3–L20 relative to each other (shoplifting and theft common, homicide rare). */
const CHARGE_WEIGHT = (t: AsiTraits): Record<number, number> => ({
  3: 1.5,
  4: 0.6,
  5: t.drugs.length ? 2 : 0.3,
  6: 0.3,
  7: 0.4,
  8: 1.2,
  9: 0.3,
  10: 0.8,
  11: 0.03,
  12: 0.02,
  13: 0.01,
  14: 0.05,
  15: 0.2,
  16: 0.6,
  18: 0.8,
  19: t.alcohol ? 1.2 : 0.3,
  20: 0.6,
});

/** F18–F26 (problems with mother … co-workers): how often there is no such person, and the F12–F16 item that says so. */
const RELATIONS: Record<number, { none: number; lifetime?: string }> = {
  18: { none: 0.06, lifetime: 'F12' },
  19: { none: 0.1, lifetime: 'F13' },
  20: { none: 0.05, lifetime: 'F14' },
  21: { none: 0.35, lifetime: 'F15' },
  22: { none: 0.3, lifetime: 'F16' },
  23: { none: 0.08 },
  24: { none: 0.04 },
  25: { none: 0.05 },
  26: { none: 0.35 },
};
const CLOSE_NONE: Record<number, number> = { 12: 0.03, 13: 0.08, 14: 0.08, 15: 0.1, 16: 0.4, 17: 0.02 };

/** P4–P11: how common each symptom is at a given psychiatric severity (depression and anxiety common, attempts rare). */
const SYMPTOMS: Record<number, number> = { 4: 1, 5: 1.1, 6: 0.2, 7: 0.7, 8: 0.4, 9: 0.45, 10: 0.08, 11: 0.7 };
const ABUSE_30: Record<number, number[]> = { 27: [0.03, 0.2], 28: [0.01, 0.08], 29: [0.005, 0.03] };
const ABUSE_LT: Record<number, number[]> = { 27: [0.25, 0.35], 28: [0.15, 0.3], 29: [0.08, 0.15] };

const DISTORTION = new Set(['M10', 'M11', 'E23', 'E24', 'D34', 'D35', 'L31', 'L32', 'F37', 'F38', 'P22', 'P23']);

const ILLNESSES = ['Diabetes typ 2', 'Astma', 'Hepatit C', 'Epilepsi', 'Högt blodtryck', 'Kronisk ryggsmärta', 'KOL'];
const BENEFITS = ['Sjukersättning', 'Aktivitetsersättning', 'Merkostnadsersättning'];
const TRADES = ['Snickare', 'Undersköterska', 'Lastbilschaufför', 'Elektriker', 'Kock', 'Svetsare', 'Frisör', 'Lagerarbetare', 'Butiksbiträde', 'Lokalvårdare'];
const RELATIVES = ['Moster', 'Farbror', 'Kusin', 'Mormor', 'Svåger', 'Styvfar'];

const traitsOf = (ctx: AnswerContext) => ctx.client.traits as unknown as AsiTraits;
const DRUG_ITEMS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

function drugDays(ctx: AnswerContext): [number, number][] {
  return DRUG_ITEMS.map((k): [number, number] => [k, ctx.num(`D${k}_30`)])
    .filter(([, d]) => d > 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

function substanceDays(ctx: AnswerContext, k: number): number {
  const t = traitsOf(ctx);
  const { rng } = ctx;
  if (k === 1) {
    if (t.alcohol) return ctx.days(clamp01(0.15 + 0.85 * ctx.severity('ALC')));
    return t.social && rng.chance(0.6) ? rng.int(1, 4) : 0;
  }
  if (k === 2) {
    // Days drunk to intoxication are some of the days drunk at all.
    const drinking = ctx.num('D1_30');
    if (drinking === 0) return 0;
    const share = t.alcohol ? clamp01(0.25 + 0.7 * ctx.severity('ALC') + rng.normal(0, 0.15)) : rng.chance(0.3) ? 0.3 : 0;
    return Math.round(drinking * share);
  }
  if (k === 13) {
    // More than one substance on a day: at most the days of the second most used substance.
    const used = [ctx.num('D1_30'), ...DRUG_ITEMS.map((n) => ctx.num(`D${n}_30`))].sort((a, b) => b - a);
    const second = used[1] ?? 0;
    return second === 0 ? 0 : Math.round(second * rng.uniform(0.3, 1));
  }
  const rank = t.drugs.indexOf(k);
  const s = ctx.severity('DRUG');
  if (rank === 0) return ctx.days(clamp01(0.15 + 0.85 * s));
  if (rank === 1) return ctx.days(clamp01(0.6 * s));
  return rng.chance(0.008) ? rng.int(1, 2) : 0;
}

function substanceYears(ctx: AnswerContext, k: number): number {
  const t = traitsOf(ctx);
  const { rng } = ctx;
  const most = Math.max(1, ctx.age - 13);
  const problem = k <= 2 ? t.alcohol : k === 13 ? Number(t.alcohol) + t.drugs.length >= 2 : t.drugs.includes(k);
  let years: number;
  if (problem) {
    const s = k <= 2 ? ctx.severity('ALC') : ctx.severity('DRUG');
    years = clamp(Math.round(most * clamp01(0.2 + 0.5 * s + rng.normal(0, 0.15))), 1, most);
  } else if (k === 1 && t.social) {
    years = rng.chance(0.5) ? rng.int(1, Math.max(1, Math.floor(most / 2))) : 0;
  } else {
    years = rng.chance(0.12) ? rng.int(1, Math.min(3, most)) : 0;
  }
  // Years drunk to intoxication are some of the years drunk at all.
  return k === 2 ? Math.min(years, ctx.num('D1_LT')) : years;
}

function route(ctx: AnswerContext, k: number): number | undefined {
  const t = traitsOf(ctx);
  const weights = ROUTES[k];
  if (!weights) return undefined;
  return (t.routes[k] ??= ctx.rng.weighted(weights));
}

/**
 * D14 from this interview's days of use: the substance used most, "alcohol and drugs" (15) or "polydrug" (16) when
 * several are used on 4 days or more; with no use in the past 30 days, the substance that brought the client in.
 */
function primarySubstance(ctx: AnswerContext): number {
  const t = traitsOf(ctx);
  const alcohol = Math.max(ctx.num('D1_30'), ctx.num('D2_30'));
  const drugs = drugDays(ctx);
  const alcoholCode = () => (ctx.num('D2_30') > 0 && ctx.num('D2_30') >= alcohol / 3 ? 2 : 1);
  if (drugs.length === 0) {
    if (t.alcohol && alcohol > 0) return alcoholCode();
    if (t.alcohol && t.drugs.length) return 15;
    return t.drugs[0] ?? 2;
  }
  const heavy = drugs.filter(([, d]) => d >= 4);
  if (t.alcohol && alcohol >= 4 && heavy.length > 0) return 15;
  if (heavy.length >= 2) return 16;
  if (t.alcohol && alcohol > drugs[0]![1]) return alcoholCode();
  return drugs[0]![0];
}

/** Money spent on a substance: per day of use; in a follow-up asked "since the last interview", over those months. */
function spending(ctx: AnswerContext, days: number, perDay: number, everUsed: boolean): number {
  const { rng } = ctx;
  let total = days;
  if (ctx.sinceLast) {
    total = days * ctx.round.monthsSincePrevious * rng.uniform(0.5, 1.2);
    if (days === 0 && everUsed && rng.chance(0.4)) total = rng.int(1, 20);
  }
  return total > 0 ? ctx.amount(total * perDay, 0.35) : 0;
}

function months(ctx: AnswerContext, mean: number, fromAge: number): number {
  const cap = Math.max(1, (ctx.age - fromAge) * 12);
  return clamp(Math.round(ctx.rng.exponential(mean)), 1, cap);
}

function yesOrCode(ctx: AnswerContext, none: number, p: number): AnswerValue {
  if (ctx.item.special.includes('N') && ctx.rng.chance(none)) return 'N';
  return ctx.yes(p);
}

type Rule = (ctx: AnswerContext) => AnswerValue | undefined;

const RULES: Record<string, Rule> = {
  G4(ctx) {
    const t = traitsOf(ctx);
    t.admissionOffset ??= ctx.rng.int(0, 14);
    return isoDateOf(ctx.client.firstDay - t.admissionOffset);
  },
  G9: (ctx) => (ctx.rng.chance(ctx.round.index > 0 ? 0.7 : 0.93) ? 1 : 2),
  G11: (ctx) => ctx.client.interviewer,
  // "Completed (N) or not completed (1–3)": interviews the simulation finishes, and those it stops, were not refused.
  G12: () => 'N',
  G14: (ctx) => clamp(Math.round(ctx.rng.exponential(40 * (1.2 - ctx.severity('EMP')))), 0, Math.max(0, (ctx.age - 16) * 12)),
  G15: (ctx) => ctx.yes(0.3 - 0.25 * ctx.severity('EMP')),
  G19(ctx) {
    const followUp = ctx.round.index > 0;
    return ctx.rng.weighted([
      [1, followUp ? 0.9 : 0.8],
      [2, 0.02 + 0.1 * ctx.severity('LEGAL')],
      [3, 0.06 + 0.1 * Math.max(ctx.severity('ALC'), ctx.severity('DRUG'))],
      [4, 0.03],
      [5, 0.02 + 0.05 * ctx.severity('PSY')],
      [6, 0.01],
    ]);
  },
  G20: (ctx) => ctx.rng.int(3, 30),

  M3_SPEC: (ctx) => ctx.rng.pick(ILLNESSES),
  M5: (ctx) => ctx.yes(0.03 + 0.2 * ctx.severity()),
  M5_SPEC: (ctx) => ctx.rng.pick(BENEFITS),

  E1: (ctx) => 12 * clamp(Math.round(ctx.rng.normal(11.5 - 1.5 * ctx.severity('EMP'), 2)), 6, 20) + (ctx.rng.chance(0.15) ? ctx.rng.int(1, 11) : 0),
  E2: (ctx) => (ctx.sinceLast ? (ctx.rng.chance(0.9) ? 0 : ctx.rng.int(1, 6)) : ctx.rng.chance(0.55) ? 0 : ctx.count(10)),
  E3: (ctx) => ctx.yes(0.7 - 0.4 * ctx.severity('EMP')),
  E3_SPEC: (ctx) => ctx.rng.pick(TRADES),
  E6: (ctx) => (ctx.rng.chance(0.1 + 0.2 * ctx.severity('EMP')) ? 0 : months(ctx, 48 * (1.2 - ctx.severity('EMP')), 16)),
  E7: (ctx) =>
    ctx.rng.weighted([
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 10],
      [5, 18],
      [6, 20],
      [7, 25],
      [8, 3],
      [9, 17],
    ]),
  E7_SPEC: (ctx) => ctx.rng.pick(TRADES),
  E8: (ctx) => ctx.yes(0.15 + 0.4 * ctx.severity('EMP')),
  E9: (ctx) => ctx.yes(0.45),
  E10: (ctx) =>
    ctx.severity('EMP') < 0.35
      ? ctx.rng.weighted([
          [1, 0.6],
          [2, 0.15],
          [3, 0.1],
          [4, 0.08],
          [7, 0.07],
        ])
      : ctx.rng.weighted([
          [1, 0.15],
          [2, 0.08],
          [3, 0.2],
          [4, 0.05],
          [6, 0.15],
          [7, 0.32],
          [8, 0.05],
        ]),
  // Pay follows the days worked: about 1,100 kronor a day after tax.
  E12(ctx) {
    if (typeof ctx.lookup('E11') !== 'number') return undefined;
    const days = ctx.num('E11');
    if (days > 0) return ctx.amount(days * 1100, 0.3);
    return ctx.rng.chance(0.05) ? ctx.amount(1500, 0.6) : 0;
  },
  E13: (ctx) => (ctx.num('E11') < 10 && ctx.rng.chance(0.12) ? ctx.amount(9000, 0.25) : 0),
  E14: (ctx) => (ctx.rng.chance(0.08 + 0.45 * ctx.severity('EMP')) ? ctx.amount(7000, 0.35) : 0),
  E15: (ctx) => (ctx.rng.chance(0.06 + 0.25 * ctx.severity('MED')) ? ctx.amount(10_000, 0.3) : 0),
  E16: (ctx) => (ctx.rng.chance(0.18) ? ctx.amount(1500, 0.8) : 0),
  E18: (ctx) => (ctx.rng.chance(0.72) ? 0 : ctx.rng.int(1, 3)),
  E19: (ctx) => ctx.days(0.8 * ctx.severity('EMP')),

  D14: primarySubstance,
  D15: (ctx) => ctx.count(5, 0.15),
  D16: (ctx) => months(ctx, 12 + 24 * (1 - ctx.severity('DRUG')), 14),
  D17(ctx) {
    const t = traitsOf(ctx);
    const p = t.alcohol ? 0.05 + 0.3 * ctx.severity('ALC') : 0.01;
    return ctx.rng.chance(ctx.sinceLast ? p * 0.3 : p) ? ctx.count(1.5) : 0;
  },
  D18(ctx) {
    const t = traitsOf(ctx);
    if (!t.drugs.length) return ctx.rng.chance(0.01) ? 1 : 0;
    const opioid = t.drugs.some((k) => k >= 3 && k <= 5);
    const p = opioid ? 0.2 + 0.4 * ctx.severity('DRUG') : 0.05 + 0.15 * ctx.severity('DRUG');
    return ctx.rng.chance(ctx.sinceLast ? p * 0.3 : p) ? ctx.count(opioid ? 2.5 : 1.2) : 0;
  },
  D19: (ctx) => treatments(ctx, traitsOf(ctx).alcohol, ctx.severity('ALC')),
  D20: (ctx) => treatments(ctx, traitsOf(ctx).drugs.length > 0, ctx.severity('DRUG')),
  // Detox-only treatments are some of the treatments.
  D21: (ctx) => Math.round(ctx.num('D19') * ctx.rng.uniform(0, 0.7)),
  D22: (ctx) => Math.round(ctx.num('D20') * ctx.rng.uniform(0, 0.7)),
  D23(ctx) {
    const t = traitsOf(ctx);
    return spending(ctx, ctx.num('D1_30'), 80 + 220 * ctx.severity('ALC'), t.alcohol);
  },
  D24(ctx) {
    const t = traitsOf(ctx);
    return spending(ctx, drugDays(ctx)[0]?.[1] ?? 0, 250 + 400 * ctx.severity('DRUG'), t.drugs.length > 0);
  },
  D25: (ctx) => ctx.days(ctx.round.index > 0 ? 0.45 : 0.3),
  // Days with alcohol (drug) problems: mostly days of use, a few days of craving without.
  D26: (ctx) => problemDays(ctx, ctx.num('D1_30'), traitsOf(ctx).alcohol, ctx.severity('ALC')),
  D27: (ctx) => problemDays(ctx, drugDays(ctx)[0]?.[1] ?? 0, traitsOf(ctx).drugs.length > 0, ctx.severity('DRUG')),

  L1: (ctx) => ctx.yes(0.04 + 0.35 * ctx.severity('LEGAL')),
  L2: (ctx) => ctx.yes(0.03 + 0.3 * ctx.severity('LEGAL')),
  // Convictions are some of the charges.
  L17(ctx) {
    let charges = 0;
    for (let k = 3; k <= 16; k++) charges += ctx.num(`L${k}`);
    return charges === 0 ? 0 : Math.round(charges * ctx.rng.uniform(0.3, 0.9));
  },
  L21(ctx) {
    const s = ctx.severity('LEGAL');
    if (ctx.sinceLast) return ctx.rng.chance(0.2 * s) ? ctx.rng.int(1, Math.max(1, Math.min(6, Math.floor(ctx.round.monthsSincePrevious)))) : 0;
    return ctx.rng.chance(clamp01(1.2 * s ** 1.3)) ? ctx.count(3 + 30 * s * s) : 0;
  },
  // The last incarceration is part of the months in L21.
  L22(ctx) {
    const total = ctx.num('L21');
    return total > 0 ? clamp(Math.round(total * ctx.rng.uniform(0.2, 1)), 1, total) : undefined;
  },
  L23: (ctx) => ctx.rng.weighted(OFFENCES(traitsOf(ctx))),
  L25: (ctx) => ctx.rng.weighted(OFFENCES(traitsOf(ctx))),
  // Days detained follow the controlled environment of G19/G20 (2 = jail or prison).
  L26: (ctx) => (ctx.lookup('G19') === 2 ? Math.min(30, ctx.num('G20')) : ctx.rng.chance(0.03) ? ctx.rng.int(1, 5) : 0),

  F1: (ctx) =>
    ctx.rng.weighted(
      ctx.age < 25
        ? [
            [6, 0.85],
            [1, 0.05],
            [4, 0.05],
            [5, 0.05],
          ]
        : [
            [6, 0.45],
            [5, 0.17],
            [4, 0.08],
            [1, 0.2],
            [2, 0.05],
            [3, 0.02],
          ],
    ),
  F2: (ctx) => (ctx.lookup('F1') === 6 ? Math.max(0, (ctx.age - 18) * 12 + ctx.rng.int(0, 11)) : months(ctx, 60, 18)),
  F4: (ctx) =>
    ctx.rng.weighted([
      [7, 30],
      [1, 12],
      [2, 12],
      [3, 5],
      [4, 12],
      [5, 5],
      [6, 5],
      [8, 6],
      [9, 13],
    ]),
  F5: (ctx) => months(ctx, 36, 16),
  F6: (ctx) => ctx.ordered([2, 1, 0], ctx.severity('FAM')),
  F7: (ctx) => ctx.yes(0.06 + 0.15 * ctx.severity('FAM')),
  F8: (ctx) => ctx.yes(0.05 + 0.12 * ctx.severity('FAM')),
  F9: (ctx) =>
    ctx.rng.weighted([
      [1, 30],
      [2, 45],
      [3, 25 + 40 * ctx.severity('PSY')],
    ]),
  F10: (ctx) => ctx.ordered([2, 1, 0], ctx.severity('FAM')),
  F11: (ctx) => clamp(Math.round(ctx.rng.exponential(3.5 * (1.1 - ctx.severity('FAM')))), 0, 20),
  F23_SPEC: (ctx) => ctx.rng.pick(RELATIVES),
  F31: (ctx) => ctx.days(0.6 * ctx.severity('FAM')),

  P3: (ctx) => ctx.yes(0.03 + 0.2 * ctx.severity('PSY')),
};

function treatments(ctx: AnswerContext, problem: boolean, s: number): number {
  if (!problem) return ctx.rng.chance(0.05) ? 1 : 0;
  if (ctx.sinceLast) return ctx.rng.chance(0.3 + 0.3 * s) ? ctx.count(1 + s) : 0;
  return ctx.rng.chance(0.4 + 0.5 * s) ? ctx.count(1 + 3 * s) : 0;
}

function problemDays(ctx: AnswerContext, useDays: number, problem: boolean, s: number): number {
  if (useDays === 0) return problem && ctx.rng.chance(0.2) ? ctx.rng.int(1, 5) : 0;
  return clamp(Math.round(useDays * clamp01(0.3 + 0.7 * s + ctx.rng.normal(0, 0.15))), 0, useDays);
}

function isoDateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Rules for the numbered families of items (D1_30…, H1_A…, F18_30…, P4_30…, L3…). */
function patternRule(id: string): Rule | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^D(\d+)_30$/.exec(id))) {
    const k = Number(m[1]);
    return (ctx) => substanceDays(ctx, k);
  }
  if ((m = /^D(\d+)_LT$/.exec(id))) {
    const k = Number(m[1]);
    return (ctx) => substanceYears(ctx, k);
  }
  if ((m = /^D(\d+)_RT$/.exec(id))) {
    const k = Number(m[1]);
    return (ctx) => route(ctx, k);
  }
  if ((m = /^H\d+_([ADP])$/.exec(id))) {
    const which = m[1];
    return (ctx) => {
      if (ctx.rng.chance(0.04)) return 'X';
      if (ctx.rng.chance(0.03)) return 'N';
      return ctx.yes(which === 'A' ? 0.12 + (traitsOf(ctx).alcohol ? 0.15 : 0) : which === 'D' ? 0.05 : 0.08);
    };
  }
  if ((m = /^F(1[2-7])$/.exec(id))) {
    const k = Number(m[1]);
    return (ctx) => (ctx.rng.chance(0.02) ? 'X' : yesOrCode(ctx, CLOSE_NONE[k]!, 0.75 - 0.35 * ctx.severity('FAM')));
  }
  if ((m = /^F(1[89]|2[0-6])_30$/.exec(id))) {
    const relation = RELATIONS[Number(m[1])]!;
    return (ctx) => {
      // No mother, partner, children…: the lifetime relationship item already said so (N).
      if (relation.lifetime && ctx.lookup(relation.lifetime) === 'N') return 'N';
      return yesOrCode(ctx, relation.none, 0.03 + 0.45 * ctx.severity('FAM'));
    };
  }
  if ((m = /^F(1[89]|2[0-6])_LT$/.exec(id))) {
    const recent = `F${m[1]}_30`;
    return (ctx) => {
      const now = ctx.lookup(recent);
      if (now === 1 || now === 'N') return now;
      return ctx.yes(0.15 + 0.5 * ctx.severity('FAM'));
    };
  }
  if ((m = /^F(2[7-9])_(30|LT)$/.exec(id))) {
    const k = Number(m[1]);
    const lifetime = m[2] === 'LT';
    return (ctx) => {
      if (lifetime && ctx.lookup(`F${k}_30`) === 1) return 1;
      const [p, slope] = (lifetime ? ABUSE_LT : ABUSE_30)[k]!;
      return ctx.yes(p! + slope! * ctx.severity('FAM'));
    };
  }
  if ((m = /^P(\d+)_(30|LT)$/.exec(id)) && SYMPTOMS[Number(m[1])] !== undefined) {
    const k = Number(m[1]);
    const lifetime = m[2] === 'LT';
    return (ctx) => {
      if (lifetime && ctx.lookup(`P${k}_30`) === 1) return 1;
      const s = ctx.severity('PSY') * SYMPTOMS[k]!;
      return ctx.yes(clamp01(lifetime ? 0.1 + 0.8 * s : 0.03 + 0.85 * s));
    };
  }
  if (/^P(1[5-9]|20)$/.test(id)) return (ctx) => ctx.yes(0.03 + 0.35 * ctx.severity('PSY'));
  if ((m = /^L(\d+)$/.exec(id))) {
    const k = Number(m[1]);
    if ((k >= 3 && k <= 16) || (k >= 18 && k <= 20)) {
      return (ctx) => {
        const s = ctx.severity('LEGAL');
        const weight = CHARGE_WEIGHT(traitsOf(ctx))[k]!;
        const p = clamp01(0.9 * s ** 1.2 * Math.min(1, weight)) * (ctx.sinceLast ? 0.3 : 1);
        return ctx.rng.chance(p) ? ctx.count((1 + 4 * s * weight) * (ctx.sinceLast ? 0.5 : 1)) : 0;
      };
    }
  }
  if (DISTORTION.has(id)) return (ctx) => ctx.yes(0.03);
  return undefined;
}

const rules = new Map<string, Rule | undefined>();

export const ASI_MODEL: InstrumentModel = {
  traits(rng: Random): Record<string, unknown> {
    const u = rng.float();
    const drugs: number[] = [];
    if (u >= 0.42) {
      const primary = rng.weighted(DRUGS);
      drugs.push(primary);
      if (rng.chance(0.45)) drugs.push(rng.weighted(DRUGS.filter(([k]) => k !== primary)));
    }
    const traits: AsiTraits = { alcohol: u < 0.42 || u >= 0.77, drugs, social: rng.chance(0.55), routes: {} };
    return traits as unknown as Record<string, unknown>;
  },
  areaMean(area, client) {
    const t = client.traits as unknown as AsiTraits;
    switch (area) {
      case 'MED':
        return -0.2;
      case 'EMP':
        return 0.7;
      case 'ALC':
        return t.alcohol ? 0.6 : -2.3;
      case 'DRUG':
        return t.drugs.length ? 0.5 : -2.5;
      case 'LEGAL':
        return t.drugs.length ? -0.6 : -1.4;
      case 'FAM':
        return -0.8;
      case 'PSY':
        return -0.5;
      default:
        return undefined;
    }
  },
  answer(ctx) {
    const id = ctx.item.id;
    if (!rules.has(id)) rules.set(id, Object.hasOwn(RULES, id) ? RULES[id] : patternRule(id));
    return rules.get(id)?.(ctx);
  },
  noRandomSpecial: new Set(['G12']),
};
