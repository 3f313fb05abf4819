// JSON Schema for definition and overlay authors (editor completion and validation), generated from the zod schemas.
import { z } from './zod.js';
import { TextOverlay } from './overlay.js';
import { InstrumentDocument } from './schema.js';

export function instrumentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(InstrumentDocument, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
}

export function overlayJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(TextOverlay, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
}
