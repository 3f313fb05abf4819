// The instruments shipped in instruments/, loaded on demand by id (each one its own chunk in a bundle).
import { resolveEmbeds } from './compose.js';
import { validateInstrument } from './load.js';
import { DefinitionError } from './problems.js';

const LOADERS: Record<string, () => Promise<{ default: unknown }>> = {
  // No import attribute: Vite's dev server serves JSON as a JS module, which a `type: 'json'` import would reject.
  demo: () => import('../../../instruments/demo/demo.json'),
  asi: () => import('../../../instruments/asi/asi.json'),
  audit: () => import('../../../instruments/audit/audit.json'),
  dudit: () => import('../../../instruments/dudit/dudit.json'),
  adad: () => import('../../../instruments/adad/adad.json'),
  dok: () => import('../../../instruments/dok/dok.json'),
};

export const BUILTIN_INSTRUMENTS: readonly string[] = Object.keys(LOADERS);

/** The raw definition document of a shipped instrument, exactly as in its file. */
async function builtinDocument(id: string): Promise<unknown> {
  const load = LOADERS[id];
  if (!load) {
    throw new DefinitionError([{ path: '', message: `No built-in instrument "${id}" (available: ${BUILTIN_INSTRUMENTS.join(', ')})` }]);
  }
  return (await load()).default;
}

/** The definition document of a shipped instrument, with the instruments it embeds taken in (ready to validate). */
export async function builtinDefinition(id: string): Promise<unknown> {
  return resolveEmbeds(await builtinDocument(id), builtinDocument, validateInstrument);
}
