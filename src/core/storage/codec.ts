// How records look at rest: as they are (plaintext store) or sealed whole, with only the fields indexes need in clear.
import { ProtectionError } from '../protection/errors.js';
import { keyedLink, openJson, sealJson, type Sealed } from '../protection/seal.js';
import type { UnitKey } from '../protection/unit-key.js';

export type RecordStore = 'clients' | 'interviews' | 'answers' | 'audit' | 'scores';

/**
 * The fields kept in clear in an encrypted store, per object store: keys, index fields and the dates and states a
 * list needs before unlocking. Everything else (client code, sex, birth year, answers, free text, audit old/new
 * values, actors and reasons, scores with their inputs, snapshots, positions, notes) is only in the sealed payload.
 * The sealed payload holds the whole record, clear fields included, and those must match on reading, so editing a
 * clear field is detected too. README "Security and data protection" lists the same.
 */
export const CLEAR_FIELDS: Readonly<Record<RecordStore, readonly string[]>> = {
  clients: ['id', 'createdAt', 'updatedAt'],
  interviews: ['id', 'clientId', 'instrumentId', 'instrumentVersion', 'round', 'status', 'startedAt', 'updatedAt', 'completedAt', 'terminatedAt', 'rev'],
  answers: ['interviewId', 'itemId'],
  /** `n` is the event's place in its interview's chain (the sealed payload is bound to it); `link` its keyed HMAC link. */
  audit: ['seq', 'interviewId', 'n', 'link'],
  scores: ['interviewId', 'scoreId'],
};

/** The record's identity the sealed payload is bound to, so a payload copied to another record fails its tag. */
export function recordContext(store: RecordStore, record: Record<string, unknown>): string {
  switch (store) {
    case 'clients':
    case 'interviews':
      return `${store}:${JSON.stringify(record.id)}`;
    case 'answers':
      return `${store}:${JSON.stringify([record.interviewId, record.itemId])}`;
    case 'audit':
      return `${store}:${JSON.stringify([record.interviewId, record.n])}`;
    case 'scores':
      return `${store}:${JSON.stringify([record.interviewId, record.scoreId])}`;
  }
}

export interface RecordCodec {
  /** True when records are sealed at rest. */
  readonly sealed: boolean;
  encode<T extends object>(store: RecordStore, record: T): Promise<T>;
  decode<T extends object>(store: RecordStore, stored: T): Promise<T>;
  /** Keyed audit link (HMAC under the unit's audit key); only in an encrypted store. */
  link?(previous: string, content: string): Promise<string>;
}

/** Plaintext at rest: records are stored as they are. */
export const PLAIN_CODEC: RecordCodec = {
  sealed: false,
  encode: async (_store, record) => record,
  async decode(store, stored) {
    // Another tab turned encryption on since this one read the settings: never show ciphertext as if it were data.
    if ('sealed' in stored) throw new ProtectionError('locked', `The record ${recordContext(store, stored as Record<string, unknown>)} is encrypted: reload the page and unlock.`);
    return stored;
  },
};

type AtRest = Record<string, unknown> & { sealed?: Sealed };

/** Sealed at rest under an unlocked unit key; never falls back to plaintext, in either direction. */
export function sealedCodec(key: UnitKey): RecordCodec {
  return {
    sealed: true,
    async encode(store, record) {
      const whole = record as Record<string, unknown>;
      const clear: AtRest = {};
      for (const field of CLEAR_FIELDS[store]) if (whole[field] !== undefined) clear[field] = whole[field];
      // `seq` is assigned by IndexedDB after sealing: it stays out of the payload, and `n` binds the event instead.
      const { seq: _seq, ...payload } = whole;
      // JSON would silently drop what IndexedDB refuses (a function, say): refuse it the same way, as DataCloneError.
      structuredClone(payload);
      clear.sealed = await sealJson(key, recordContext(store, whole), payload);
      return clear as typeof record;
    },
    async decode(store, stored) {
      const atRest = stored as AtRest;
      const context = recordContext(store, atRest);
      if (!atRest.sealed) throw new ProtectionError('integrity', `The record ${context} is stored unencrypted in an encrypted store: it was not written by this app.`);
      const extra = Object.keys(atRest).find((field) => field !== 'sealed' && !CLEAR_FIELDS[store].includes(field));
      if (extra !== undefined) throw new ProtectionError('integrity', `The record ${context} has a field "${extra}" outside its encrypted payload: it was changed outside the app.`);
      const whole = await openJson<Record<string, unknown>>(key, context, atRest.sealed);
      for (const field of CLEAR_FIELDS[store]) {
        if (field === 'seq') continue;
        if (JSON.stringify(whole[field]) !== JSON.stringify(atRest[field])) {
          throw new ProtectionError('integrity', `The record ${context} was changed outside the app (its field "${field}" no longer matches).`);
        }
      }
      if (atRest.seq !== undefined) whole.seq = atRest.seq;
      return whole as typeof stored;
    },
    link: (previous, content) => keyedLink(key, previous, content),
  };
}
