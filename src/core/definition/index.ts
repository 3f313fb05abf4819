// Public API of the definition layer.
export * from './values.js';
export * from './text.js';
export * from './schema.js';
export * from './problems.js';
export * from './compiled.js';
export * from './load.js';
export { expandBlocks, resolveEmbeds, type DefinitionResolver } from './compose.js';
export * from './overlay.js';
export * from './json-schema.js';
export { ITEM_KINDS, itemKind, parseYearsMonths, type ItemKind, type OptionView, type ParseResult } from './kinds/index.js';
export * from './builtin.js';
