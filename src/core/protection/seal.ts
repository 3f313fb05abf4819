// Sealing record payloads (AES-GCM, a random 96-bit IV each, bound to store and record id) and keyed audit links (HMAC).
import { fromBase64, fromUtf8, randomBytes, toBase64, toHex, utf8 } from './bytes.js';
import { ProtectionError } from './errors.js';
import type { UnitKey } from './unit-key.js';

/** A sealed payload as IndexedDB holds it (binary, structured-clonable). */
export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

/** The same, as JSON carries it (backups). */
export interface SealedText {
  iv: string;
  data: string;
}

const IV_BYTES = 12;

/**
 * What a ciphertext is bound to: a store and a record key. Copying a sealed payload to another record, another store
 * or another interview makes its tag fail, so a swap is an integrity error, not silently other data.
 */
const aad = (context: string) => utf8(`asi-interview/record/v1:${context}`);

/** Seals a JSON-able value; the IV is fresh from the CSPRNG for every call, never reused. */
export async function sealJson(key: UnitKey, context: string, value: unknown): Promise<Sealed> {
  const iv = randomBytes(IV_BYTES);
  try {
    const data = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(context) }, key.records, utf8(JSON.stringify(value)));
    return { iv, data };
  } catch (error) {
    throw new ProtectionError('crypto', `Encrypting ${context} failed, so nothing was written.`, error);
  }
}

/** Opens a sealed value; a changed byte, a wrong key or a payload moved from another record is an 'integrity' error. */
export async function openJson<T>(key: UnitKey, context: string, sealed: Sealed | undefined): Promise<T> {
  if (!sealed || !(sealed.iv instanceof Uint8Array) || sealed.iv.length !== IV_BYTES || !(sealed.data instanceof ArrayBuffer)) {
    throw new ProtectionError('integrity', `The encrypted record ${context} is missing or malformed.`);
  }
  let plain: ArrayBuffer;
  try {
    plain = await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: aad(context) }, key.records, sealed.data);
  } catch (error) {
    throw new ProtectionError('integrity', `The encrypted record ${context} failed its integrity check: it was changed, moved or sealed with another key.`, error);
  }
  return JSON.parse(fromUtf8(plain)) as T;
}

export const sealedToText = (sealed: Sealed): SealedText => ({ iv: toBase64(sealed.iv), data: toBase64(new Uint8Array(sealed.data)) });

export function sealedFromText(text: SealedText, what: string): Sealed {
  const iv = fromBase64(text?.iv);
  const data = fromBase64(text?.data);
  if (!iv || !data) throw new ProtectionError('invalid', `${what} is not a sealed payload (iv and data in base64).`);
  return { iv, data: data.buffer };
}

/** One keyed link of an audit chain: HMAC-SHA-256 over the previous link and the event's canonical content. */
export async function keyedLink(key: UnitKey, previous: string, content: string): Promise<string> {
  try {
    const mac = await globalThis.crypto.subtle.sign('HMAC', key.audit, utf8(`${previous}\n${content}`));
    return toHex(mac);
  } catch (error) {
    throw new ProtectionError('crypto', 'Computing an audit link failed.', error);
  }
}
