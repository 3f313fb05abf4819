// Integrity of one interview: its audit chain, the chain's recorded end, and its answers against the fold of its events.
import type { AnswerValue } from '../definition/values.js';
import { acknowledgementDraft, chainBreaks, type AuditDraft } from './audit-chain.js';
import type { AnswerRecord, AuditEvent } from './types.js';

/** Where an interview's chain ended when last written: kept with the interview, so a removed last event is noticed. */
export interface ChainTip {
  count: number;
  /** The last event's hash ('' when there is none). */
  hash: string;
  /** The last keyed (HMAC) link, in an encrypted store. */
  link?: string;
}

export const EMPTY_TIP: ChainTip = { count: 0, hash: '' };

export type IntegrityProblem =
  /** The event at `index` (0-based, in log order) was changed, removed or reordered. */
  | { kind: 'chain'; index: number; hash: string }
  /** The log is shorter (or longer) than when it was last written: events at its end were removed (or added). */
  | { kind: 'events-missing'; expected: number; found: number }
  /** The stored answer to `itemId` is not what the audit trail says it should be. */
  | { kind: 'answer'; itemId: string; stored: AnswerValue | null; audited: AnswerValue | null }
  /** A sealed record failed its authentication or could not be read at all. */
  | { kind: 'unreadable'; record: string; message: string; index?: number };

export interface IntegrityReport {
  interviewId: string;
  ok: boolean;
  problems: IntegrityProblem[];
  /** Index of the first event that is not as written, if the problem lies in the log itself. */
  firstBadEvent?: number;
}

/** What an audit trail says the answers are: the last `new` of each item's answer events. */
export function foldAnswers(events: readonly AuditEvent[]): Map<string, AnswerValue> {
  const answers = new Map<string, AnswerValue>();
  for (const event of events) {
    if (event.type !== 'answer' || event.itemId === null) continue;
    if (event.new === null) answers.delete(event.itemId);
    else answers.set(event.itemId, event.new as AnswerValue);
  }
  return answers;
}

/** Checks one interview's records as read from a store; `keyedBreaks` are the links an encrypted store found wrong. */
export async function checkInterview(
  interviewId: string,
  tip: ChainTip | undefined,
  events: readonly AuditEvent[],
  answers: readonly AnswerRecord[],
  keyedBreaks: readonly number[] = [],
): Promise<IntegrityReport> {
  const problems: IntegrityProblem[] = [];
  const breaks = new Set([...(await chainBreaks(events)), ...keyedBreaks]);
  for (const index of [...breaks].sort((a, b) => a - b)) problems.push({ kind: 'chain', index, hash: events[index]!.hash });
  if (tip && (tip.count !== events.length || tip.hash !== (events.at(-1)?.hash ?? ''))) {
    problems.push({ kind: 'events-missing', expected: tip.count, found: events.length });
  }
  const audited = foldAnswers(events);
  const stored = new Map(answers.map((a) => [a.itemId, a.value]));
  for (const itemId of new Set([...audited.keys(), ...stored.keys()])) {
    const a = audited.get(itemId) ?? null;
    const s = stored.get(itemId) ?? null;
    if (a !== s) problems.push({ kind: 'answer', itemId, stored: s, audited: a });
  }
  const firstChain = problems.find((p) => p.kind === 'chain');
  const firstBadEvent = firstChain?.kind === 'chain' ? firstChain.index : problems.some((p) => p.kind === 'events-missing') ? Math.min(tip!.count, events.length) : undefined;
  return { interviewId, ok: problems.length === 0, problems, ...(firstBadEvent !== undefined ? { firstBadEvent } : {}) };
}

/** A one-line account of a report for a warning and for the acknowledgement's audit event. */
export function describeProblem(problem: IntegrityProblem): string {
  switch (problem.kind) {
    case 'chain':
      return `audit event ${problem.index + 1} was changed, removed or moved`;
    case 'events-missing':
      return problem.found < problem.expected
        ? `the last ${problem.expected - problem.found} audit event(s) are missing (${problem.found} of ${problem.expected})`
        : `${problem.found - problem.expected} audit event(s) were added outside the app`;
    case 'answer':
      return `the stored answer to ${problem.itemId} (${JSON.stringify(problem.stored)}) differs from the audit trail (${JSON.stringify(problem.audited)})`;
    case 'unreadable':
      return `${problem.record} cannot be read: ${problem.message}`;
  }
}

/** The events an acknowledgement appends: the trail brought in line with the stored answers, then the integrity event. */
export function acknowledgementDrafts(report: IntegrityReport, at: string, options: { actor: string; reason?: string }): AuditDraft[] {
  const reason = options.reason ?? 'Integrity warning acknowledged';
  const drafts: AuditDraft[] = [];
  for (const p of report.problems) {
    if (p.kind !== 'answer') continue;
    drafts.push({ interviewId: report.interviewId, type: 'answer', itemId: p.itemId, old: p.audited, new: p.stored, at, actor: options.actor, reason });
  }
  const acknowledged = report.problems.flatMap((p) => (p.kind === 'chain' ? [p.hash] : []));
  drafts.push(acknowledgementDraft(report.interviewId, { acknowledged, problems: report.problems.map(describeProblem) }, at, options.actor, reason));
  return drafts;
}
