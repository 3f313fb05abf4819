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

/**
 * Earlier versions of the shipped instruments, by `id@version`. An interview always resumes on the version it was taken
 * with, so a release that changes an instrument keeps its previous file: copy `instruments/<id>/<id>.json` to
 * `instruments/<id>/archive/<version>.json` before editing it, and add its line here. Every instrument is still at
 * its first release, so the archive is empty.
 */
const ARCHIVE: Record<string, () => Promise<{ default: unknown }>> = {};

/** The raw document of `id` at `version` (the current file, or the archived one), or undefined if this build has no copy. */
async function versionedDocument(id: string, version: string): Promise<unknown | undefined> {
  const archived = ARCHIVE[`${id}@${version}`];
  if (archived) return (await archived()).default;
  const current = LOADERS[id] ? ((await LOADERS[id]()).default as { version?: unknown }) : undefined;
  return current?.version === version ? current : undefined;
}

/**
 * The definition of a shipped instrument at an exact version, for resuming and checking records taken with it; undefined
 * when this build has no copy of that version (the caller says so rather than using another version).
 */
export async function builtinDefinitionAt(id: string, version: string): Promise<unknown | undefined> {
  const doc = await versionedDocument(id, version);
  return doc === undefined ? undefined : resolveEmbeds(doc, builtinDocument, validateInstrument);
}

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
