// Definition problems: a JSON path and a plain-English message, and guards against hostile input shapes.
import type { PathSegment } from './checks.js';

export interface DefinitionProblem {
  /** JSON path in the form sections[2].items[4].when ("" for the whole document). */
  path: string;
  message: string;
}

export class DefinitionError extends Error {
  readonly problems: DefinitionProblem[];
  constructor(problems: DefinitionProblem[], what = 'Instrument definition') {
    super(`${what} is not valid:\n${problems.map((p) => `  ${p.path || '(document)'}: ${p.message}`).join('\n')}`);
    this.name = 'DefinitionError';
    this.problems = problems;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`))
    .join('');
}

/** Adds the item id to a message about an item, so that authors find it without counting array indexes. */
export function describeAt(doc: unknown, path: readonly PathSegment[], message: string): DefinitionProblem {
  const [s, si, i, ii] = path;
  let hint = '';
  if (s === 'sections' && typeof si === 'number' && i === 'items' && typeof ii === 'number') {
    const id = (doc as { sections?: { items?: { id?: unknown }[] }[] })?.sections?.[si]?.items?.[ii]?.id;
    if (typeof id === 'string') hint = ` (item ${id})`;
  }
  return { path: formatPath(path), message: message + hint };
}

const MAX_DEPTH = 32;
const MAX_NODES = 200_000;

/**
 * Rejects documents that are too deep or too large, or that carry prototype-polluting keys, before zod walks them.
 * JSON.parse already makes `__proto__` an own property, so it is harmless there, but a definition must never name it.
 */
export function guardShape(doc: unknown): DefinitionProblem[] {
  let nodes = 0;
  const problems: DefinitionProblem[] = [];
  const walk = (value: unknown, path: PropertyKey[]): void => {
    if (problems.length > 0) return;
    if (++nodes > MAX_NODES) {
      problems.push({ path: formatPath(path), message: `Document is too large (more than ${MAX_NODES} values)` });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (path.length > MAX_DEPTH) {
      problems.push({ path: formatPath(path), message: `Document is nested too deeply (more than ${MAX_DEPTH} levels)` });
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          problems.push({ path: formatPath([...path, key]), message: `Key "${key}" is not allowed` });
          return;
        }
        walk((value as Record<string, unknown>)[key], [...path, key]);
      }
  };
  walk(doc, []);
  return problems;
}
