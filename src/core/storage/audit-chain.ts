// The audit log's hash chain (seal and verify events) and the offset timestamps audit records carry.
import type { AuditEvent } from './types.js';

/** An audit event before it is chained: everything but the store-assigned `seq` and the chain fields. */
export type AuditDraft = Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>;

/** Local time with its UTC offset: a reader months later must see the clock time the interviewer saw. */
export function nowWithOffset(date: Date = new Date()): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** JSON with object keys sorted at every level, so the hash does not depend on property insertion order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function hashEvent(event: Omit<AuditEvent, 'hash'>): Promise<string> {
  // `seq` is assigned by the store after sealing, so it cannot be part of what is hashed.
  const { seq: _seq, ...fields } = event;
  const bytes = new TextEncoder().encode(canonicalJson(fields));
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Chains one event onto `prevHash` ('' for an interview's first event). */
export async function sealEvent(draft: AuditDraft, prevHash: string): Promise<AuditEvent> {
  const unsealed = { ...draft, prevHash };
  return { ...unsealed, hash: await hashEvent(unsealed) };
}

/** Seals events in order, each chained onto the one before. */
export async function sealEvents(drafts: readonly AuditDraft[], prevHash: string): Promise<AuditEvent[]> {
  const sealed: AuditEvent[] = [];
  for (const draft of drafts) {
    const event = await sealEvent(draft, prevHash);
    sealed.push(event);
    prevHash = event.hash;
  }
  return sealed;
}

/**
 * The indexes of an interview's events (in log order) whose link or content is not as sealed. The walk goes on past a
 * break from the event's own stored hash, so every altered event is found, not only the first. A break that a later
 * `integrity` event lists as acknowledged (see {@link acknowledgementDraft}) is not reported again.
 */
export async function chainBreaks(events: readonly AuditEvent[]): Promise<number[]> {
  const acknowledgedBefore = new Map<string, number>();
  events.forEach((event, index) => {
    for (const hash of acknowledgedHashes(event)) acknowledgedBefore.set(hash, index);
  });
  const breaks: number[] = [];
  let prevHash = '';
  for (const [index, event] of events.entries()) {
    const { hash, ...rest } = event;
    const intact = event.prevHash === prevHash && (await hashEvent(rest)) === hash;
    if (!intact && !((acknowledgedBefore.get(hash) ?? -1) > index)) breaks.push(index);
    prevHash = hash;
  }
  return breaks;
}

/** Checks one interview's events in log order; `brokenAt` is the first event whose link or content was altered. */
export async function verifyChain(events: readonly AuditEvent[]): Promise<{ ok: true } | { ok: false; brokenAt: number }> {
  const [first] = await chainBreaks(events);
  return first === undefined ? { ok: true } : { ok: false, brokenAt: first };
}

/** What an `integrity` event's `old` value holds: the problems a person saw and the broken events they accepted. */
export interface AcknowledgedFindings {
  acknowledged: string[];
  problems: string[];
}

function acknowledgedHashes(event: AuditEvent): string[] {
  if (event.type !== 'integrity' || typeof event.old !== 'string') return [];
  try {
    const findings = JSON.parse(event.old) as Partial<AcknowledgedFindings>;
    return Array.isArray(findings.acknowledged) ? findings.acknowledged.filter((h): h is string => typeof h === 'string') : [];
  } catch {
    return [];
  }
}

/** The audit event that records a person's acknowledgement of integrity problems (its own event in the chain). */
export function acknowledgementDraft(interviewId: string, findings: AcknowledgedFindings, at: string, actor: string, reason?: string): AuditDraft {
  return {
    interviewId,
    type: 'integrity',
    itemId: null,
    old: JSON.stringify(findings),
    new: 'acknowledged',
    at,
    actor,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** The canonical content an event's keyed link covers (everything but `seq` and the store's own fields). */
export function linkContent(event: AuditEvent): string {
  const { seq: _seq, ...fields } = event;
  return canonicalJson(fields);
}
