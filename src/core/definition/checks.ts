// Cross-reference checks over a structurally valid definition: ids, rounds, scales, expressions, scores.
import { ExpressionError, parseExpression, type Expression } from '../expression/index.js';
import { itemKind, type KindContext } from './kinds/index.js';
import type { InstrumentDef, ItemDef } from './schema.js';
import { isSpecialCode } from './values.js';

export type PathSegment = string | number;
export type Report = (path: PathSegment[], message: string) => void;

/** Rounds an item is asked in: its own list, else its section's, else every round. */
export function effectiveRounds(def: InstrumentDef, sectionIndex: number, item: ItemDef): string[] {
  return item.rounds ?? def.sections[sectionIndex]!.rounds ?? def.rounds.map((r) => r.id);
}

export function kindContextFor(def: InstrumentDef): KindContext {
  const scales = new Map((def.scales ?? []).map((s) => [s.id, s.options]));
  return { scaleOptions: (id) => scales.get(id) };
}

/** Runs every cross-reference check and reports each problem with the JSON path where it is. */
export function crossCheck(def: InstrumentDef, report: Report): void {
  const roundIds = new Set(def.rounds.map((r) => r.id));
  const scaleIds = new Set<string>();
  const itemOrder = new Map<string, number>();
  const itemRounds = new Map<string, Set<string>>();

  const unique = (seen: Set<string>, id: string, path: PathSegment[], what: string) => {
    if (seen.has(id)) report(path, `Duplicate ${what} id "${id}"`);
    seen.add(id);
  };
  const roundsKnown = (rounds: string[] | undefined, path: PathSegment[]) =>
    rounds?.forEach((r, i) => {
      if (!roundIds.has(r)) report([...path, i], `Unknown round "${r}" (rounds are: ${[...roundIds].join(', ')})`);
    });

  const seenRounds = new Set<string>();
  def.rounds.forEach((r, i) => unique(seenRounds, r.id, ['rounds', i, 'id'], 'round'));

  def.scales?.forEach((scale, si) => {
    unique(scaleIds, scale.id, ['scales', si, 'id'], 'scale');
    const values = new Set<number>();
    scale.options.forEach((o, oi) => {
      if (values.has(o.value)) report(['scales', si, 'options', oi, 'value'], `Duplicate option value ${o.value} in scale "${scale.id}"`);
      values.add(o.value);
    });
    scale.bands?.forEach((b, bi) => {
      if (b.min > b.max) report(['scales', si, 'bands', bi], `Band ${b.min}–${b.max} has min above max`);
      if (!values.has(b.min) || !values.has(b.max))
        report(['scales', si, 'bands', bi], `Band ${b.min}–${b.max} does not start and end on option values of scale "${scale.id}"`);
      scale.bands!.slice(0, bi).forEach((other) => {
        if (b.min <= other.max && other.min <= b.max)
          report(['scales', si, 'bands', bi], `Band ${b.min}–${b.max} overlaps band ${other.min}–${other.max}`);
      });
    });
  });

  // First pass: ids, order and rounds of every item, so that expressions can be checked against them.
  const seenSections = new Set<string>();
  let order = 0;
  def.sections.forEach((section, si) => {
    unique(seenSections, section.id, ['sections', si, 'id'], 'section');
    roundsKnown(section.rounds, ['sections', si, 'rounds']);
    section.items.forEach((item, ii) => {
      const path = ['sections', si, 'items', ii];
      if (itemOrder.has(item.id)) report([...path, 'id'], `Duplicate item id "${item.id}"`);
      itemOrder.set(item.id, order++);
      itemRounds.set(item.id, new Set(effectiveRounds(def, si, item)));
    });
  });

  const ctx = kindContextFor(def);
  const parse = (source: string, path: PathSegment[]): Expression | undefined => {
    try {
      return parseExpression(source);
    } catch (error) {
      if (error instanceof ExpressionError) report(path, `Expression error: ${error.message}`);
      else throw error;
      return undefined;
    }
  };
  const referencesKnown = (expr: Expression | undefined, path: PathSegment[]) => {
    for (const ref of expr?.references ?? []) {
      if (!itemOrder.has(ref)) report(path, `Unknown item "${ref}" in expression "${expr!.source}"`);
    }
  };

  def.sections.forEach((section, si) => {
    section.items.forEach((item, ii) => {
      const path: PathSegment[] = ['sections', si, 'items', ii];
      const own = itemOrder.get(item.id)!;
      const rounds = itemRounds.get(item.id)!;
      roundsKnown(item.rounds, [...path, 'rounds']);
      roundsKnown(item.sinceLast, [...path, 'sinceLast']);
      if (item.sinceLastText && !item.sinceLast?.length) report([...path, 'sinceLastText'], `"sinceLastText" needs "sinceLast" rounds`);
      item.sinceLast?.forEach((r, i) => {
        if (roundIds.has(r) && !rounds.has(r)) report([...path, 'sinceLast', i], `Round "${r}" does not ask item "${item.id}"`);
      });

      // Conditions may only look back: the flow asks items in order, so a later answer is never known in time.
      const conditionRefsEarlier = (expr: Expression | undefined, where: PathSegment[]) => {
        referencesKnown(expr, where);
        for (const ref of expr?.references ?? []) {
          const at = itemOrder.get(ref);
          if (at !== undefined && at >= own)
            report(where, ref === item.id ? `Condition of "${item.id}" refers to itself` : `Condition of "${item.id}" refers to "${ref}", which comes later`);
        }
      };
      if (item.when) conditionRefsEarlier(parse(item.when, [...path, 'when']), [...path, 'when']);
      item.autofill?.forEach((rule, ai) => {
        conditionRefsEarlier(parse(rule.when, [...path, 'autofill', ai, 'when']), [...path, 'autofill', ai, 'when']);
        const value = rule.value;
        if (isSpecialCode(value)) {
          const allowed = item.special ?? ['X', 'N'];
          if (!allowed.includes(value)) report([...path, 'autofill', ai, 'value'], `Code ${value} is not allowed for item "${item.id}"`);
        } else {
          const problem = itemKind(item.kind).check(value, item, ctx);
          if (problem) report([...path, 'autofill', ai, 'value'], `Auto-fill value ${JSON.stringify(value)} is not valid for item "${item.id}": ${problem.en}`);
        }
      });
      item.validate?.forEach((rule, vi) => referencesKnown(parse(rule.rule, [...path, 'validate', vi, 'rule']), [...path, 'validate', vi, 'rule']));
      item.critical?.forEach((ref, ci) => {
        if (!itemOrder.has(ref)) report([...path, 'critical', ci], `Unknown rating item "${ref}"`);
      });

      const scaleRef = item.kind === 'scale' ? item.scale : item.kind === 'choice' ? item.optionsFrom : undefined;
      const scaleField = item.kind === 'scale' ? 'scale' : 'optionsFrom';
      if (scaleRef !== undefined && !scaleIds.has(scaleRef)) report([...path, scaleField], `Scale "${scaleRef}" is not defined in "scales"`);
      if (item.kind === 'choice') {
        if (!item.options === !item.optionsFrom) report(path, `Code list "${item.id}" needs exactly one of "options" or "optionsFrom"`);
        const values = new Set<number>();
        item.options?.forEach((o, oi) => {
          if (values.has(o.value)) report([...path, 'options', oi, 'value'], `Duplicate option value ${o.value} in item "${item.id}"`);
          values.add(o.value);
        });
      }
      if (item.min !== undefined && item.max !== undefined && item.min > item.max) report([...path, 'min'], `min is above max`);
    });
  });

  const scoreIds = new Set<string>();
  def.scores?.forEach((score, si) => {
    const path: PathSegment[] = ['scores', si];
    unique(scoreIds, score.id, [...path, 'id'], 'score');
    if (itemOrder.has(score.id)) report([...path, 'id'], `Score id "${score.id}" is also an item id`);
    roundsKnown(score.rounds, [...path, 'rounds']);
    const formula = parse(score.formula, [...path, 'formula']);
    referencesKnown(formula, [...path, 'formula']);
    score.allowCodes?.forEach((ref, ai) => {
      if (!formula?.references.has(ref)) report([...path, 'allowCodes', ai], `"${ref}" is not an input of score "${score.id}"`);
    });
    // A score reported in a round must have every input asked (or auto-filled) in that round.
    for (const round of score.rounds ?? def.rounds.map((r) => r.id)) {
      for (const ref of formula?.references ?? []) {
        const asked = itemRounds.get(ref);
        if (asked && !asked.has(round)) report([...path, 'formula'], `Score "${score.id}" is reported in round "${round}", which does not ask its input "${ref}"`);
      }
    }
  });
  if (def.dateItem !== undefined) {
    const kind = def.sections.flatMap((s) => s.items).find((i) => i.id === def.dateItem)?.kind;
    if (!kind) report(['dateItem'], `Unknown item "${def.dateItem}"`);
    else if (kind !== 'date') report(['dateItem'], `Item "${def.dateItem}" is a ${kind} item, not a date`);
  }
  roundsKnown(def.summary?.rounds, ['summary', 'rounds']);
  const seenAreas = new Set<string>();
  def.profile?.forEach((area, ai) => {
    unique(seenAreas, area.id, ['profile', ai, 'id'], 'profile area');
    area.scores?.forEach((id, i) => {
      if (!scoreIds.has(id)) report(['profile', ai, 'scores', i], `Unknown score "${id}"`);
    });
    area.ratings?.forEach((id, i) => {
      if (!itemOrder.has(id)) report(['profile', ai, 'ratings', i], `Unknown item "${id}"`);
    });
  });
  def.cutoffs?.forEach((c, ci) => {
    if (!scoreIds.has(c.score)) report(['cutoffs', ci, 'score'], `Unknown score "${c.score}"`);
  });
  def.changeParameters?.forEach((c, ci) => {
    if (!scoreIds.has(c.score)) report(['changeParameters', ci, 'score'], `Unknown score "${c.score}"`);
  });
}
