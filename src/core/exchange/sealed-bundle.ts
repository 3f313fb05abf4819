// Encrypted backups: a JSON bundle sealed under a key of its own, opened by the backup's passphrase (the unit-key scheme).
import { ProtectionError } from '../protection/errors.js';
import { openJson, sealJson, sealedFromText, sealedToText, type SealedText } from '../protection/seal.js';
import { createUnitKey, unlockUnitKey, type NewKeyOptions, type ProtectionHeader } from '../protection/unit-key.js';
import { DEFAULT_MAX_BUNDLE_BYTES, type Bundle } from './bundle.js';

export const SEALED_BUNDLE_FORMAT = 'asi-interview-sealed-bundle';

/**
 * The file an encrypted backup is: its own passphrase slot (PBKDF2-SHA-256 ≥ 600,000 iterations, random salt) and the
 * bundle sealed with AES-GCM under a fresh random key. Nothing about clients or interviews is in clear, not even
 * their number; `exportedAt` is, so that a person can tell backups apart.
 */
export interface SealedBundle {
  format: typeof SEALED_BUNDLE_FORMAT;
  formatVersion: 1;
  exportedAt: string;
  protection: ProtectionHeader;
  sealed: SealedText;
}

const context = (keyId: string) => `bundle:${JSON.stringify(keyId)}`;

/** Seals a bundle with a passphrase; the result is the file's text. */
export async function sealBundle(bundle: Bundle, passphrase: string, options: NewKeyOptions = {}): Promise<string> {
  const { header, key } = await createUnitKey(passphrase, { label: 'backup', ...options });
  const sealed = await sealJson(key, context(header.keyId), bundle);
  const file: SealedBundle = { format: SEALED_BUNDLE_FORMAT, formatVersion: 1, exportedAt: bundle.exportedAt, protection: header, sealed: sealedToText(sealed) };
  return JSON.stringify(file);
}

/** True when the text is an encrypted backup (so the UI asks for its passphrase before reading it). */
export function isSealedBundle(text: string): boolean {
  // Only the opening is looked at: the file may be hundreds of megabytes.
  return typeof text === 'string' && /^\s*\{\s*"format"\s*:\s*"asi-interview-sealed-bundle"/.test(text.slice(0, 200));
}

/**
 * Opens an encrypted backup and returns the bundle's text, for `parseBundle` to check as any other bundle. A wrong
 * passphrase rejects with ProtectionError 'wrong-passphrase', a changed file with 'integrity'; nothing is written.
 */
export async function openSealedBundle(text: string, passphrase: string, options: { maxBytes?: number } = {}): Promise<string> {
  // base64 makes the sealed bundle 4/3 the size of the bundle it holds.
  const limit = Math.ceil(((options.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES) * 4) / 3) + 64 * 1024;
  if (typeof text !== 'string' || text.length > limit) throw new ProtectionError('invalid', 'The encrypted backup is too large to open here.');
  let file: SealedBundle;
  try {
    file = JSON.parse(text) as SealedBundle;
  } catch {
    throw new ProtectionError('invalid', 'The file is not an encrypted backup (it is not valid JSON).');
  }
  if (file?.format !== SEALED_BUNDLE_FORMAT) throw new ProtectionError('invalid', 'The file is not an encrypted backup of asi-interview.');
  if (file.formatVersion !== 1) {
    throw new ProtectionError('invalid', `The encrypted backup is of format version ${String(file.formatVersion)}; this version of the app reads version 1. Update the app.`);
  }
  const key = await unlockUnitKey(file.protection, passphrase);
  const bundle = await openJson<unknown>(key, context(file.protection.keyId), sealedFromText(file.sealed, 'The encrypted backup'));
  return JSON.stringify(bundle);
}
