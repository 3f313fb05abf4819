// Answer values shared by every layer: what an item's answer can be, and the special codes X and N.

/** `X` = not answered (does not know / will not say); `N` = not applicable. */
export type SpecialCode = 'X' | 'N';
export const SPECIAL_CODES: readonly SpecialCode[] = ['X', 'N'];

/**
 * A stored answer: a number (days, counts, money, codes, yes/no as 1/0, durations in months), a string (ISO date
 * `YYYY-MM-DD`, time `HH:MM`, free text), or a special code. Free text that is exactly `X` or `N` is read as the
 * special code, the same convention paper forms and the CLI use.
 */
export type AnswerValue = number | string;

/** Lookup used by expressions and scoring: `undefined` means blank (never answered, or skipped without a value). */
export type AnswerLookup = (itemId: string) => AnswerValue | undefined;

export function isSpecialCode(value: unknown): value is SpecialCode {
  return value === 'X' || value === 'N';
}

/** An answer that carries information: not blank and not a special code. */
export function isAnswered(value: AnswerValue | undefined): value is AnswerValue {
  return value !== undefined && !isSpecialCode(value);
}
