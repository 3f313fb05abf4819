// The unit key: 256 random bits, kept only wrapped in passphrase slots (PBKDF2-SHA-256), opened into non-extractable keys.
import { fromBase64, randomBytes, toBase64, utf8 } from './bytes.js';
import { ProtectionError } from './errors.js';

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256; stored per slot so it can be raised later without re-encrypting data. */
export const MIN_ITERATIONS = 600_000;
/** A unit passphrase is typed by several staff members; ten characters is the least we accept (NIST SP 800-63B allows 8). */
export const MIN_PASSPHRASE_LENGTH = 10;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** One way to open the unit key: a passphrase's key-encryption key and the unit key sealed under it. */
export interface KeySlot {
  id: string;
  /** What the slot is for ("unit", "recovery", a staff role); never a person's identity. */
  label: string;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  /** AES-GCM of the unit key under the slot's key-encryption key, with the key id and slot id as additional data. */
  wrapped: { iv: string; data: string };
  createdAt: string;
}

/** Everything needed to unlock, stored in clear beside the data (it holds no secret a passphrase does not guard). */
export interface ProtectionHeader {
  format: 'asi-interview/protection';
  version: 1;
  /** Random id of the unit key: sealed backups name it, so "another unit's key" can be told from "wrong passphrase". */
  keyId: string;
  slots: KeySlot[];
}

/**
 * An unlocked unit key: the record key (AES-GCM-256) and the audit key (HMAC-SHA-256), both derived from the unit key
 * with HKDF-SHA-256 and both non-extractable, so script on the page can use them but never read them out.
 */
export interface UnitKey {
  readonly keyId: string;
  readonly records: CryptoKey;
  readonly audit: CryptoKey;
}

const subtle = () => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new ProtectionError('crypto', 'This browser offers no WebCrypto (it needs a secure context: https or localhost).');
  return s;
};

/** NFC, so that "å" typed on two systems (one code point or two) is the same passphrase. */
const normalise = (passphrase: string) => passphrase.normalize('NFC');

function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || [...normalise(passphrase)].length < MIN_PASSPHRASE_LENGTH) {
    throw new ProtectionError('weak', `A passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  }
}

async function keyEncryptionKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await subtle().importKey('raw', utf8(normalise(passphrase)), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

const slotAad = (keyId: string, slotId: string) => utf8(`asi-interview/unit-key/v1:${keyId}:${slotId}`);

async function makeSlot(keyId: string, material: Uint8Array<ArrayBuffer>, passphrase: string, label: string, iterations: number, now: Date): Promise<KeySlot> {
  checkPassphrase(passphrase);
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS) {
    throw new ProtectionError('weak', `PBKDF2 needs at least ${MIN_ITERATIONS} iterations (given ${iterations}).`);
  }
  const id = globalThis.crypto.randomUUID();
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const kek = await keyEncryptionKey(passphrase, salt, iterations);
  const data = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: slotAad(keyId, id) }, kek, material);
  return {
    id,
    label,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64(salt) },
    wrapped: { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) },
    createdAt: now.toISOString(),
  };
}

function checkHeader(header: ProtectionHeader): void {
  const ok =
    header?.format === 'asi-interview/protection' &&
    header.version === 1 &&
    typeof header.keyId === 'string' &&
    Array.isArray(header.slots) &&
    header.slots.length > 0;
  if (!ok) throw new ProtectionError('invalid', 'The encryption settings are damaged or of an unknown version, so the data cannot be unlocked.');
}

/** The unit key's bytes if `passphrase` opens `slot`, else undefined. The caller wipes them after use. */
async function openSlot(header: ProtectionHeader, slot: KeySlot, passphrase: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const salt = fromBase64(slot.kdf?.salt);
  const iv = fromBase64(slot.wrapped?.iv);
  const data = fromBase64(slot.wrapped?.data);
  const iterations = slot.kdf?.iterations;
  if (!salt || !iv || !data || slot.kdf.name !== 'PBKDF2' || slot.kdf.hash !== 'SHA-256' || !Number.isInteger(iterations) || iterations < MIN_ITERATIONS) {
    throw new ProtectionError('invalid', `Passphrase slot "${slot.label}" is damaged, so it cannot be used.`);
  }
  const kek = await keyEncryptionKey(passphrase, salt, iterations);
  try {
    const material = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: slotAad(header.keyId, slot.id) }, kek, data));
    if (material.length !== KEY_BYTES) throw new ProtectionError('invalid', `Passphrase slot "${slot.label}" holds a key of the wrong size.`);
    return material;
  } catch (error) {
    if (error instanceof ProtectionError) throw error;
    // AES-GCM cannot tell a wrong key from changed data: both fail the tag. Wrong passphrase is by far the likelier.
    return undefined;
  }
}

/** Tries every slot; the first one that opens gives the key bytes and the slot. */
async function openAny(header: ProtectionHeader, passphrase: string): Promise<{ material: Uint8Array<ArrayBuffer>; slot: KeySlot }> {
  checkHeader(header);
  for (const slot of header.slots) {
    const material = await openSlot(header, slot, passphrase);
    if (material) return { material, slot };
  }
  throw new ProtectionError('wrong-passphrase', 'The passphrase is wrong: it opens none of this unit\'s passphrase slots.');
}

async function keysFrom(keyId: string, material: Uint8Array<ArrayBuffer>): Promise<UnitKey> {
  try {
    const base = await subtle().importKey('raw', material, 'HKDF', false, ['deriveKey']);
    const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: utf8('asi-interview'), info: utf8(info) });
    const [records, audit] = await Promise.all([
      subtle().deriveKey(hkdf('records/v1'), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
      subtle().deriveKey(hkdf('audit/v1'), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']),
    ]);
    return Object.freeze({ keyId, records, audit });
  } finally {
    material.fill(0);
  }
}

export interface NewKeyOptions {
  label?: string;
  iterations?: number;
  now?: Date;
}

/** A new random unit key with one passphrase slot. */
export async function createUnitKey(passphrase: string, options: NewKeyOptions = {}): Promise<{ header: ProtectionHeader; key: UnitKey }> {
  checkPassphrase(passphrase);
  const keyId = globalThis.crypto.randomUUID();
  const material = randomBytes(KEY_BYTES);
  const slot = await makeSlot(keyId, material, passphrase, options.label ?? 'unit', options.iterations ?? MIN_ITERATIONS, options.now ?? new Date());
  const header: ProtectionHeader = { format: 'asi-interview/protection', version: 1, keyId, slots: [slot] };
  return { header, key: await keysFrom(keyId, material) };
}

/** Opens the unit key with any slot's passphrase; a wrong one rejects with code 'wrong-passphrase'. */
export async function unlockUnitKey(header: ProtectionHeader, passphrase: string): Promise<UnitKey> {
  const { material } = await openAny(header, passphrase);
  return keysFrom(header.keyId, material);
}

/** Adds a slot (a second staff member's or a recovery passphrase); needs a passphrase that already opens the key. */
export async function addPassphrase(header: ProtectionHeader, passphrase: string, newPassphrase: string, options: NewKeyOptions = {}): Promise<ProtectionHeader> {
  const { material } = await openAny(header, passphrase);
  try {
    const slot = await makeSlot(header.keyId, material, newPassphrase, options.label ?? 'extra', options.iterations ?? MIN_ITERATIONS, options.now ?? new Date());
    return { ...header, slots: [...header.slots, slot] };
  } finally {
    material.fill(0);
  }
}

/** Replaces the slot `passphrase` opens with one for `newPassphrase`: the data stays as it is, only the slot changes. */
export async function changePassphrase(header: ProtectionHeader, passphrase: string, newPassphrase: string, options: NewKeyOptions = {}): Promise<ProtectionHeader> {
  const { material, slot } = await openAny(header, passphrase);
  try {
    const iterations = Math.max(options.iterations ?? MIN_ITERATIONS, slot.kdf.iterations);
    const replacement = await makeSlot(header.keyId, material, newPassphrase, options.label ?? slot.label, iterations, options.now ?? new Date());
    return { ...header, slots: header.slots.map((s) => (s.id === slot.id ? replacement : s)) };
  } finally {
    material.fill(0);
  }
}

/** Removes a slot; the last one cannot go (the data would be locked for ever). */
export function removePassphrase(header: ProtectionHeader, slotId: string): ProtectionHeader {
  checkHeader(header);
  if (!header.slots.some((s) => s.id === slotId)) throw new ProtectionError('invalid', `There is no passphrase slot ${slotId}.`);
  if (header.slots.length === 1) throw new ProtectionError('invalid', 'The last passphrase cannot be removed: nobody could unlock the data again.');
  return { ...header, slots: header.slots.filter((s) => s.id !== slotId) };
}
