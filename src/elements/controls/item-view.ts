// What a control is given to show one item: resolved text in the current language, never the definition itself.
import type { CompiledInstrument, CompiledItem } from '../../core/definition/compiled.js';
import type { Language } from '../../core/definition/text.js';

export interface ItemView {
  id: string;
  kind: string;
  text: string;
  help?: string;
  unit?: string;
  options?: { value: number; label: string }[];
  bands?: { min: number; max: number; label: string }[];
  special: readonly ('X' | 'N')[];
  maxLength?: number;
}

export function itemView(instrument: CompiledInstrument, item: CompiledItem, lang: Language, text = item.def.text[lang]): ItemView {
  const scale = item.def.scale ? instrument.scale(item.def.scale) : undefined;
  return {
    id: item.id,
    kind: item.def.kind,
    text,
    ...(item.def.help ? { help: item.def.help[lang] } : {}),
    ...(item.def.unit ? { unit: item.def.unit } : {}),
    ...(item.options ? { options: item.options.map((o) => ({ value: o.value, label: o.label[lang] })) } : {}),
    ...(scale?.bands ? { bands: scale.bands.map((b) => ({ min: b.min, max: b.max, label: b.label[lang] })) } : {}),
    special: item.special,
    ...(item.def.maxLength ? { maxLength: item.def.maxLength } : {}),
  };
}
