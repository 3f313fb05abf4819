// The compiled instrument: a validated definition with parsed expressions and lookups the flow and scoring use.
import { parseExpression, type Expression } from '../expression/index.js';
import { effectiveRounds, kindContextFor } from './checks.js';
import { itemKind, type ItemKind, type KindContext, type OptionView, type ParseResult } from './kinds/index.js';
import type { InstrumentDef, ItemDef, RoundDef, ScaleDef, ScoreDef, SectionDef } from './schema.js';
import { msg } from './kinds/kind.js';
import type { Message } from './text.js';
import { isSpecialCode, type AnswerValue, type SpecialCode } from './values.js';

export interface CompiledItem {
  readonly def: ItemDef;
  readonly id: string;
  readonly kind: ItemKind;
  /** Position in the whole instrument (all rounds). */
  readonly index: number;
  readonly section: CompiledSection;
  readonly rounds: ReadonlySet<string>;
  readonly sinceLast: ReadonlySet<string>;
  readonly when?: Expression;
  readonly autofill: readonly { when: Expression; value: AnswerValue }[];
  readonly validate: readonly { rule: Expression; level: 'error' | 'warning'; message: Message }[];
  readonly special: readonly SpecialCode[];
  readonly provenance: 'source' | 'project' | 'local';
  readonly options?: readonly OptionView[];
}

export interface CompiledSection {
  readonly def: SectionDef;
  readonly id: string;
  readonly items: CompiledItem[];
}

export interface CompiledScore {
  readonly def: ScoreDef;
  readonly id: string;
  readonly formula: Expression;
  /** Items the formula reads, in definition order. */
  readonly inputs: readonly string[];
  readonly allowCodes: ReadonlySet<string>;
  readonly rounds: ReadonlySet<string>;
}

export interface CompiledInstrument {
  readonly def: InstrumentDef;
  readonly id: string;
  readonly version: string;
  readonly sections: readonly CompiledSection[];
  readonly items: readonly CompiledItem[];
  readonly scores: readonly CompiledScore[];
  readonly kindContext: KindContext;
  item(id: string): CompiledItem | undefined;
  round(id: string): RoundDef | undefined;
  scale(id: string): ScaleDef | undefined;
  /** Items a round asks, in order (before skip logic). */
  itemsInRound(roundId: string): readonly CompiledItem[];
  /** Items marked `critical` for a rating item: what the interviewer weighs when giving that rating. */
  criticalItems(ratingId: string): readonly CompiledItem[];
}

/** Compiles a definition that has passed validation (see load.ts); never call it on unchecked input. */
export function compileInstrument(def: InstrumentDef): CompiledInstrument {
  const kindContext = kindContextFor(def);
  const items: CompiledItem[] = [];
  const byId = new Map<string, CompiledItem>();
  const sections: CompiledSection[] = def.sections.map((sectionDef, si) => {
    const section: CompiledSection = { def: sectionDef, id: sectionDef.id, items: [] };
    for (const itemDef of sectionDef.items) {
      const kind = itemKind(itemDef.kind);
      const item: CompiledItem = {
        def: itemDef,
        id: itemDef.id,
        kind,
        index: items.length,
        section,
        rounds: new Set(effectiveRounds(def, si, itemDef)),
        sinceLast: new Set(itemDef.sinceLast ?? []),
        ...(itemDef.when ? { when: parseExpression(itemDef.when) } : {}),
        autofill: (itemDef.autofill ?? []).map((a) => ({ when: parseExpression(a.when), value: a.value })),
        validate: (itemDef.validate ?? []).map((v) => ({ rule: parseExpression(v.rule), level: v.level, message: v.message })),
        special: itemDef.special ?? ['X', 'N'],
        provenance: itemDef.provenance ?? def.provenance ?? 'source',
        ...(kind.options ? { options: kind.options(itemDef, kindContext) } : {}),
      };
      section.items.push(item);
      items.push(item);
      byId.set(item.id, item);
    }
    return section;
  });
  const allRounds = def.rounds.map((r) => r.id);
  const scores: CompiledScore[] = (def.scores ?? []).map((s) => {
    const formula = parseExpression(s.formula);
    return {
      def: s,
      id: s.id,
      formula,
      inputs: items.filter((i) => formula.references.has(i.id)).map((i) => i.id),
      allowCodes: new Set(s.allowCodes ?? []),
      rounds: new Set(s.rounds ?? allRounds),
    };
  });
  const rounds = new Map(def.rounds.map((r) => [r.id, r]));
  const scales = new Map((def.scales ?? []).map((s) => [s.id, s]));
  const roundCache = new Map<string, CompiledItem[]>();
  const critical = new Map<string, CompiledItem[]>();
  for (const item of items) for (const rating of item.def.critical ?? []) critical.set(rating, [...(critical.get(rating) ?? []), item]);
  return {
    def,
    id: def.id,
    version: def.version,
    sections,
    items,
    scores,
    kindContext,
    item: (id) => byId.get(id),
    round: (id) => rounds.get(id),
    scale: (id) => scales.get(id),
    criticalItems: (ratingId) => critical.get(ratingId) ?? [],
    itemsInRound(roundId) {
      let list = roundCache.get(roundId);
      if (!list) roundCache.set(roundId, (list = items.filter((i) => i.rounds.has(roundId))));
      return list;
    },
  };
}

/** Checks a value from any source against the item: its allowed special codes, then its kind's rules. */
export function checkAnswer(instrument: CompiledInstrument, item: CompiledItem, value: unknown): Message | null {
  if (isSpecialCode(value)) {
    return item.special.includes(value) ? null : msg(`Koden ${value} är inte tillåten här`, `Code ${value} is not allowed here`);
  }
  if (typeof value !== 'number' && typeof value !== 'string') return msg('Ogiltigt svar', 'Not a valid answer');
  if (typeof value === 'number' && !Number.isFinite(value)) return msg('Ogiltigt tal', 'Not a valid number');
  return item.kind.check(value, item.def, instrument.kindContext);
}

/** Turns what an interviewer typed into a value: `X`/`N` (either case) are the special codes where allowed. */
export function parseAnswer(instrument: CompiledInstrument, item: CompiledItem, input: string): ParseResult {
  const trimmed = input.trim();
  const upper = trimmed.toUpperCase();
  if ((upper === 'X' || upper === 'N') && item.def.kind !== 'text') {
    const problem = checkAnswer(instrument, item, upper);
    return problem ? { ok: false, message: problem } : { ok: true, value: upper };
  }
  if (trimmed === '') {
    // Only offer the codes this item allows: telling the interviewer to enter a refused code would mislead.
    const codes = item.special;
    return {
      ok: false,
      message: codes.length
        ? msg(`Svara, eller ange ${codes.join(' eller ')}`, `Answer, or enter ${codes.join(' or ')}`)
        : msg('Svara på frågan', 'Answer the question'),
    };
  }
  const parsed = item.kind.parse(trimmed, item.def, instrument.kindContext);
  // Free text that is exactly X or N is read as the code (see values.ts), so it must be a code the item allows.
  if (parsed.ok && isSpecialCode(parsed.value)) {
    const problem = checkAnswer(instrument, item, parsed.value);
    if (problem) return { ok: false, message: problem };
  }
  return parsed;
}

export function formatAnswer(instrument: CompiledInstrument, item: CompiledItem, value: AnswerValue, lang: 'sv' | 'en'): string {
  if (value === 'X') return lang === 'sv' ? 'X (inget svar)' : 'X (not answered)';
  if (value === 'N') return lang === 'sv' ? 'N (ej tillämpligt)' : 'N (not applicable)';
  return item.kind.format(value, item.def, instrument.kindContext, lang);
}
