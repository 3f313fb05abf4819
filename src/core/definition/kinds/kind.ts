// What every item kind declares: its extra definition fields, how typed input becomes a value, and how it reads back.
import type { z } from '../zod.js';
import type { Language, LocalText, Message } from '../text.js';
import type { AnswerValue } from '../values.js';

/** A labelled code, as offered by yes/no, scale and code-list items. */
export interface OptionView {
  value: number;
  label: LocalText;
}

/** What a kind may need from the rest of the instrument (shared scales). */
export interface KindContext {
  scaleOptions(scaleId: string): OptionView[] | undefined;
}

export type ParseResult = { ok: true; value: AnswerValue } | { ok: false; message: Message };

/**
 * One item kind. `fields` are added to the common item fields in the definition schema; `check` validates a value
 * from any source (typed input, import, CLI); `parse` turns what an interviewer typed into a value.
 */
export interface ItemKind<Fields extends z.ZodRawShape = z.ZodRawShape, Item = any> {
  readonly kind: string;
  readonly description: string;
  readonly fields: Fields;
  /** Problem with a value (ignoring special codes, which the engine handles for every kind), or null if fine. */
  check(value: AnswerValue, item: Item, ctx: KindContext): Message | null;
  parse(input: string, item: Item, ctx: KindContext): ParseResult;
  format(value: AnswerValue, item: Item, ctx: KindContext, lang: Language): string;
  /** The coded options, for kinds that have them. */
  options?(item: Item, ctx: KindContext): OptionView[];
}

export function defineKind<Fields extends z.ZodRawShape, Item>(kind: ItemKind<Fields, Item>): ItemKind<Fields, Item> {
  return kind;
}

export const msg = (sv: string, en: string): Message => ({ sv, en });

/** Parses a whole number written the way Swedish and English users type it (spaces as thousand separators). */
export function parseWholeNumber(input: string): number | null {
  const compact = input.replace(/[\s\u00a0]/g, '');
  return /^-?\d+$/.test(compact) ? Number(compact) : null;
}
