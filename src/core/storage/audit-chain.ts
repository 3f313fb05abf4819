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
function canonicalJson(value: unknown): string {
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

/** Checks one interview's events in log order; `brokenAt` is the first event whose link or content was altered. */
export async function verifyChain(events: readonly AuditEvent[]): Promise<{ ok: true } | { ok: false; brokenAt: number }> {
  let prevHash = '';
  for (const [index, event] of events.entries()) {
    if (event.prevHash !== prevHash) return { ok: false, brokenAt: index };
    const { hash, ...rest } = event;
    if ((await hashEvent(rest)) !== hash) return { ok: false, brokenAt: index };
    prevHash = hash;
  }
  return { ok: true };
}
