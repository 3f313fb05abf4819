// Localised text: every user-facing string in a definition exists in Swedish and English.
import { z } from './zod.js';

export const LANGUAGES = ['sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const LocalText = z
  .object({
    sv: z.string().min(1, 'Swedish text is empty'),
    en: z.string().min(1, 'English text is empty'),
  })
  .strict()
  .meta({ description: 'Text in Swedish (sv) and English (en).' });
export type LocalText = z.infer<typeof LocalText>;

/** A message in both languages, used for problems found in answers and definitions. */
export type Message = LocalText;

export function pick(text: LocalText | undefined, lang: Language): string {
  return text ? text[lang] : '';
}
