// The registry of item kinds: adding a kind means adding it here (and a control in src/elements/controls).
import { choiceKind, scaleKind, yesNoKind } from './coded.js';
import type { ItemKind } from './kind.js';
import { countKind, daysKind, moneyKind } from './numeric.js';
import { dateKind, durationKind, textKind, timeKind } from './temporal.js';

export const ITEM_KINDS = [
  daysKind,
  countKind,
  moneyKind,
  yesNoKind,
  scaleKind,
  choiceKind,
  durationKind,
  dateKind,
  timeKind,
  textKind,
] as const satisfies readonly ItemKind[];

const byName = new Map<string, ItemKind>(ITEM_KINDS.map((k) => [k.kind, k]));

export function itemKind(kind: string): ItemKind {
  const found = byName.get(kind);
  if (!found) throw new Error(`Unknown item kind "${kind}"`);
  return found;
}

export type { ItemKind, KindContext, OptionView, ParseResult } from './kind.js';
export { parseYearsMonths } from './temporal.js';
