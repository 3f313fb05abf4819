// Sealing share packages for one recipient: its unit's public key (ECDH P-256, HKDF, AES-GCM) or a one-time passphrase.
import { z } from '../definition/zod.js';
import { fromBase64, fromUtf8, randomBytes, toBase64, toHex, utf8 } from '../protection/bytes.js';
import { ProtectionError } from '../protection/errors.js';
import { MIN_ITERATIONS, MIN_PASSPHRASE_LENGTH } from '../protection/unit-key.js';
import { canonicalJson } from '../storage/audit-chain.js';
import { instantOf, OrganisationSchema, problemsOf, type Organisation } from './consent.js';
import { SharingError, type SharingProblem } from './errors.js';
import { assertSharePackage, checkSharePackage, type SharePackage } from './package.js';

export const PUBLIC_KEY_FORMAT = 'asi-interview/public-key';
export const SEALED_SHARE_FORMAT = 'asi-interview/sealed-share';
/** A package is one client's interviews: tens of kilobytes, a few megabytes with long free texts; this bounds the work. */
export const MAX_SEALED_SHARE_CHARS = 64 * 1024 * 1024;
/** Above any sensible setting, yet low enough that a crafted envelope cannot keep a tab deriving for an hour. */
const MAX_ITERATIONS = 10_000_000;
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const IV_BYTES = 12;
/** The PBKDF2 salt, as the unit key's slots have it. */
const PASSPHRASE_SALT_BYTES = 16;
const HKDF_SALT_BYTES = 32;
/** A value derived beside the key: it tells a wrong key or passphrase from changed data, which AES-GCM alone cannot. */
const CHECK_BYTES = 16;
const CONTEXT = 'asi-interview/sealed-share/v1';

const subtle = () => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new ProtectionError('crypto', 'This browser offers no WebCrypto (it needs a secure context: https or localhost).');
  return s;
};

/** Runs a WebCrypto step; a failure becomes a ProtectionError that names the step, never a bare DOMException. */
async function step<T>(what: string, run: () => Promise<T>, code: ProtectionError['code'] = 'crypto'): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProtectionError) throw error;
    throw new ProtectionError(code, what, error);
  }
}

const invalid = (what: string, problems: SharingProblem[]) =>
  new ProtectionError('invalid', `${what}:\n${problems.map((p) => `  ${p.path || '(whole)'}: ${p.message}`).join('\n')}`);

function parseWith<T>(schema: z.ZodType<T>, doc: unknown, what: string): T {
  const result = schema.safeParse(doc);
  if (!result.success) throw invalid(what, problemsOf(result.error));
  return result.data;
}

/** JSON text or an already parsed value; text is size-checked before it is parsed. */
function parsedJson(doc: unknown, limit: number, what: string): unknown {
  if (typeof doc !== 'string') return doc;
  if (doc.length > limit) throw new ProtectionError('invalid', `${what} is too large to open here.`);
  try {
    return JSON.parse(doc);
  } catch {
    throw new ProtectionError('invalid', `${what} is not valid JSON.`);
  }
}

const bytesOf = (length: number) => z.string().max(1024).refine((text) => fromBase64(text)?.length === length, `Expected ${length} bytes in base64`);
/** One P-256 coordinate or private scalar in a JWK: 32 bytes in base64url without padding. */
const Coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Expected 32 bytes in base64url');
const FingerprintSchema = z.string().regex(/^[0-9a-f]{64}$/, 'Expected a SHA-256 fingerprint (64 hexadecimal digits)');

export const PublicJwkSchema = z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: Coordinate, y: Coordinate });
export type PublicJwk = z.infer<typeof PublicJwkSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Unit sharing keys

/**
 * A unit's sharing key pair (ECDH P-256). The private key is extractable, necessarily: it must outlive the page, and
 * WebCrypto cannot store a key except by exporting it. The caller exports it once with {@link exportPrivateKey},
 * seals the JWK at rest with the unit key (core/protection `sealJson`), and from then on opens it with
 * {@link importPrivateKey}, which gives a non-extractable key.
 */
export async function generateSharingKeyPair(): Promise<CryptoKeyPair> {
  return step('Making a sharing key pair failed.', () => subtle().generateKey(ECDH, true, ['deriveBits']) as Promise<CryptoKeyPair>);
}

export interface PrivateJwk extends PublicJwk {
  d: string;
}

const PrivateJwkSchema = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: Coordinate, y: Coordinate, d: Coordinate });

const isEcdhKey = (key: unknown, type: KeyType): key is CryptoKey => {
  const k = key as CryptoKey | null;
  return !!k && typeof k === 'object' && k.type === type && k.algorithm?.name === 'ECDH' && (k.algorithm as EcKeyAlgorithm).namedCurve === 'P-256';
};

/** The private key as a JWK, to be sealed at rest by the caller; it is a secret: never store or send it in clear. */
export async function exportPrivateKey(privateKey: CryptoKey): Promise<PrivateJwk> {
  if (!isEcdhKey(privateKey, 'private')) throw new ProtectionError('invalid', 'Only a private ECDH P-256 sharing key can be exported.');
  if (!privateKey.extractable) throw new ProtectionError('invalid', 'This private key was opened as non-extractable; export the JWK it was opened from instead.');
  const jwk = await step('Exporting the private sharing key failed.', () => subtle().exportKey('jwk', privateKey));
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, d: jwk.d! };
}

/** Opens a stored private key JWK; by default non-extractable, so script on the page can use it but not read it out. */
export async function importPrivateKey(jwk: unknown, options: { extractable?: boolean } = {}): Promise<CryptoKey> {
  const k = parseWith(PrivateJwkSchema, jwk, 'The private sharing key is not a P-256 private key (JWK)');
  return step(
    'The private sharing key does not import: its parts do not belong together.',
    () => subtle().importKey('jwk', { kty: k.kty, crv: k.crv, x: k.x, y: k.y, d: k.d }, ECDH, options.extractable ?? false, ['deriveBits']),
    'invalid',
  );
}

/** RFC 7638's thumbprint: SHA-256 of the JWK's required members, in their order, without spaces; as hex. */
export async function publicKeyFingerprint(jwk: PublicJwk): Promise<string> {
  const canonical = canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return toHex(await step('Computing a key fingerprint failed.', () => subtle().digest('SHA-256', utf8(canonical))));
}

/** A fingerprint as people read it aloud and compare it by phone: 16 groups of 4 hexadecimal digits. */
export const formatFingerprint = (fingerprint: string): string => fingerprint.replace(/(.{4})(?=.)/g, '$1 ');

/** The file a unit gives to the units that share with it. It holds no secret; its fingerprint is checked by phone. */
export interface PublicKeyFile {
  format: typeof PUBLIC_KEY_FORMAT;
  formatVersion: 1;
  organisation: Organisation;
  jwk: PublicJwk;
  fingerprint: string;
}

const PublicKeyFileSchema = z.strictObject({
  format: z.literal(PUBLIC_KEY_FORMAT),
  formatVersion: z.literal(1),
  organisation: OrganisationSchema,
  jwk: PublicJwkSchema,
  fingerprint: FingerprintSchema,
});

export async function exportPublicKeyFile(publicKey: CryptoKey, organisation: Organisation): Promise<PublicKeyFile> {
  if (!isEcdhKey(publicKey, 'public')) throw new ProtectionError('invalid', 'Only a public ECDH P-256 sharing key can be written to a public key file.');
  const org = parseWith(OrganisationSchema, organisation, 'The organisation of the public key file was not accepted');
  const exported = await step('Exporting the public sharing key failed.', () => subtle().exportKey('jwk', publicKey));
  const jwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: exported.x!, y: exported.y! };
  return { format: PUBLIC_KEY_FORMAT, formatVersion: 1, organisation: { id: org.id, name: org.name }, jwk, fingerprint: await publicKeyFingerprint(jwk) };
}

async function importPublicKey(jwk: PublicJwk, what: string): Promise<CryptoKey> {
  // WebCrypto refuses a point off the curve here, which is what keeps a crafted ephemeral key from probing our private key.
  return step(`${what} is not a valid P-256 public key.`, () => subtle().importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, ECDH, true, []), 'invalid');
}

/** Reads a public key file (text or parsed JSON): its shape, that the key is a real P-256 point, and its fingerprint. */
export async function readPublicKeyFile(doc: unknown): Promise<PublicKeyFile> {
  const value = parsedJson(doc, 100_000, 'The public key file');
  if ((value as { format?: unknown } | null)?.format !== PUBLIC_KEY_FORMAT) {
    throw new ProtectionError('invalid', `This is not a public key file of asi-interview (expected "format": "${PUBLIC_KEY_FORMAT}").`);
  }
  const file = parseWith(PublicKeyFileSchema, value, 'The public key file was not accepted');
  await importPublicKey(file.jwk, `The key in ${file.organisation.name}'s public key file`);
  const actual = await publicKeyFingerprint(file.jwk);
  if (actual !== file.fingerprint) {
    throw new ProtectionError('integrity', `${file.organisation.name}'s public key file was changed: the fingerprint it states is not its key's (${formatFingerprint(actual)}).`);
  }
  return file;
}

// ---------------------------------------------------------------------------------------------------------------
// Envelopes

const Envelope = {
  format: z.literal(SEALED_SHARE_FORMAT),
  formatVersion: z.literal(1),
  /** In clear so that the recipient sees who sent it before opening; bound to the ciphertext as additional data. */
  sender: OrganisationSchema,
  keyCheck: bytesOf(CHECK_BYTES),
  iv: bytesOf(IV_BYTES),
  data: z.string().min(1).max(MAX_SEALED_SHARE_CHARS),
};

const PublicKeyEnvelopeSchema = z.strictObject({
  ...Envelope,
  method: z.literal('public-key'),
  recipientFingerprint: FingerprintSchema,
  ephemeralPublicKey: PublicJwkSchema,
  salt: bytesOf(HKDF_SALT_BYTES),
});

const PassphraseEnvelopeSchema = z.strictObject({
  ...Envelope,
  method: z.literal('passphrase'),
  kdf: z.strictObject({
    name: z.literal('PBKDF2'),
    hash: z.literal('SHA-256'),
    iterations: z.number().int().min(MIN_ITERATIONS, `At least ${MIN_ITERATIONS}`).max(MAX_ITERATIONS, `At most ${MAX_ITERATIONS}`),
    salt: bytesOf(PASSPHRASE_SALT_BYTES),
  }),
});

const SealedShareSchema = z.discriminatedUnion('method', [PublicKeyEnvelopeSchema, PassphraseEnvelopeSchema], {
  error: 'Expected "public-key" or "passphrase"',
});

export type PublicKeySealedShare = z.infer<typeof PublicKeyEnvelopeSchema>;
export type PassphraseSealedShare = z.infer<typeof PassphraseEnvelopeSchema>;
/** A sealed share package, as the file sent to the recipient holds it (JSON). */
export type SealedShare = PublicKeySealedShare | PassphraseSealedShare;

/** Everything in clear except the IV and the ciphertext (which AES-GCM covers itself) is authenticated. */
function additionalData(envelope: Omit<SealedShare, 'iv' | 'data'> & { iv?: string; data?: string }): Uint8Array<ArrayBuffer> {
  const { iv: _iv, data: _data, ...header } = envelope;
  return utf8(`${CONTEXT}\n${canonicalJson(header)}`);
}

/** The AES-GCM key and the check value, both from one secret through HKDF-SHA-256 with distinct info. */
async function keysFrom(secret: ArrayBuffer, salt: Uint8Array<ArrayBuffer>, info: string): Promise<{ key: CryptoKey; check: Uint8Array<ArrayBuffer> }> {
  return step('Deriving the package key failed.', async () => {
    const base = await subtle().importKey('raw', secret, 'HKDF', false, ['deriveKey', 'deriveBits']);
    const params = (part: string) => ({ name: 'HKDF', hash: 'SHA-256', salt, info: utf8(`${info}:${part}`) });
    const key = await subtle().deriveKey(params('key'), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const check = new Uint8Array(await subtle().deriveBits(params('check'), base, CHECK_BYTES * 8));
    return { key, check };
  });
}

const publicKeyInfo = (fingerprint: string) => `${CONTEXT}:public-key:${fingerprint}`;
const PASSPHRASE_INFO = `${CONTEXT}:passphrase`;

/** Compares without stopping at the first difference, so that timing says nothing about how much of a check matched. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function packageToSeal(pkg: SharePackage): SharePackage {
  return assertSharePackage(pkg, 'The share package to seal');
}

async function encrypt(key: CryptoKey, aad: Uint8Array<ArrayBuffer>, pkg: SharePackage): Promise<{ iv: string; data: string }> {
  const iv = randomBytes(IV_BYTES);
  const data = await step('Encrypting the share package failed.', () => subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, utf8(JSON.stringify(pkg))));
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

/**
 * Seals a package for the unit whose public key file is given: an ephemeral ECDH P-256 key pair, its shared secret with
 * the recipient's key, HKDF-SHA-256 (random salt, info naming the format and the recipient's fingerprint) to an
 * AES-GCM-256 key, a random 96-bit IV, and the clear header as additional data. Only the holder of the recipient's
 * private key can open it; the sender cannot either, once the ephemeral key is gone. Refuses (SharingError
 * 'wrong-recipient') a key file of another organisation than the one the consent names.
 */
export async function sealForRecipient(pkg: SharePackage, publicKeyFile: PublicKeyFile): Promise<PublicKeySealedShare> {
  const checked = packageToSeal(pkg);
  const file = await readPublicKeyFile(publicKeyFile);
  if (file.organisation.id !== checked.recipient.id) {
    throw new SharingError(
      'wrong-recipient',
      `The consent allows sharing with ${checked.recipient.name} (${checked.recipient.id}) only, but the public key file is ${file.organisation.name}'s (${file.organisation.id})`,
    );
  }
  const recipientKey = await importPublicKey(file.jwk, `The key in ${file.organisation.name}'s public key file`);
  const ephemeral = await step('Making an ephemeral key failed.', () => subtle().generateKey(ECDH, false, ['deriveBits']) as Promise<CryptoKeyPair>);
  const secret = await step('Agreeing a key with the recipient\'s public key failed.', () =>
    subtle().deriveBits({ name: 'ECDH', public: recipientKey }, ephemeral.privateKey, 256),
  );
  const exported = await step('Exporting the ephemeral key failed.', () => subtle().exportKey('jwk', ephemeral.publicKey));
  const salt = randomBytes(HKDF_SALT_BYTES);
  const { key, check } = await keysFrom(secret, salt, publicKeyInfo(file.fingerprint));
  const header = {
    format: SEALED_SHARE_FORMAT,
    formatVersion: 1,
    method: 'public-key',
    recipientFingerprint: file.fingerprint,
    sender: { id: checked.sender.id, name: checked.sender.name },
    ephemeralPublicKey: { kty: 'EC', crv: 'P-256', x: exported.x!, y: exported.y! },
    salt: toBase64(salt),
    keyCheck: toBase64(check),
  } as const;
  return { ...header, ...(await encrypt(key, additionalData(header), checked)) };
}

// ---------------------------------------------------------------------------------------------------------------
// One-time passphrases

/** Lower-case letters and digits without i, l, o, 0 and 1, which are misread and misheard. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 6;
const GROUP_LENGTH = 4;
const ONE_TIME = new RegExp(`^[${ALPHABET}]{${GROUPS * GROUP_LENGTH}}$`);

/**
 * A one-time passphrase for one package, given to the recipient out of band (by phone, never with the file):
 * 6 groups of 4 characters from a 31-character alphabet, 24 × log2(31) ≈ 119 bits from the CSPRNG.
 */
export function generateOneTimePassphrase(): string {
  const chars: string[] = [];
  while (chars.length < GROUPS * GROUP_LENGTH) {
    for (const byte of randomBytes(32)) {
      // Rejection sampling: 248 = 8 × 31, so every character is equally likely.
      if (byte < 248 && chars.length < GROUPS * GROUP_LENGTH) chars.push(ALPHABET[byte % ALPHABET.length]!);
    }
  }
  return Array.from({ length: GROUPS }, (_, g) => chars.slice(g * GROUP_LENGTH, (g + 1) * GROUP_LENGTH).join('')).join('-');
}

/**
 * NFC, as the unit key's passphrases; and a one-time passphrase typed in capitals, with spaces or without dashes, is
 * read as the one generated, since it is heard over the phone. Both sides apply this, so it never changes a match.
 */
function normalisePassphrase(passphrase: string): string {
  const nfc = passphrase.normalize('NFC');
  const compact = nfc.replace(/[\s-]+/g, '').toLowerCase();
  if (!ONE_TIME.test(compact)) return nfc;
  return Array.from({ length: GROUPS }, (_, g) => compact.slice(g * GROUP_LENGTH, (g + 1) * GROUP_LENGTH)).join('-');
}

async function passphraseBits(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<ArrayBuffer> {
  return step('Deriving a key from the passphrase failed.', async () => {
    const base = await subtle().importKey('raw', utf8(normalisePassphrase(passphrase)), 'PBKDF2', false, ['deriveBits']);
    return subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256);
  });
}

/**
 * Seals a package with a passphrase (PBKDF2-SHA-256, 600,000 iterations and a random 16-byte salt, as the unit key's
 * slots): for a recipient without a public key file. Use {@link generateOneTimePassphrase}; any passphrase must have
 * at least as many characters as a unit passphrase.
 */
export async function sealWithPassphrase(pkg: SharePackage, passphrase: string, options: { iterations?: number } = {}): Promise<PassphraseSealedShare> {
  const checked = packageToSeal(pkg);
  if (typeof passphrase !== 'string' || [...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) {
    throw new ProtectionError('weak', `A passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters; a one-time passphrase is safest.`);
  }
  const iterations = options.iterations ?? MIN_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new ProtectionError('weak', `PBKDF2 needs between ${MIN_ITERATIONS} and ${MAX_ITERATIONS} iterations (given ${iterations}).`);
  }
  const salt = randomBytes(PASSPHRASE_SALT_BYTES);
  const { key, check } = await keysFrom(await passphraseBits(passphrase, salt, iterations), salt, PASSPHRASE_INFO);
  const header = {
    format: SEALED_SHARE_FORMAT,
    formatVersion: 1,
    method: 'passphrase',
    sender: { id: checked.sender.id, name: checked.sender.name },
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64(salt) },
    keyCheck: toBase64(check),
  } as const;
  return { ...header, ...(await encrypt(key, additionalData(header), checked)) };
}

// ---------------------------------------------------------------------------------------------------------------
// Opening (the recipient)

export type OpenWith = { privateKey: CryptoKey; publicKeyFile: PublicKeyFile } | { passphrase: string };

export interface OpenOptions {
  /**
   * Now, from the recipient's clock (default: the system clock). A package whose consent has ended by then is refused
   * (SharingError 'expired'). A withdrawal after the package was made cannot be seen here: it reaches the recipient
   * out of band, and the recipient then removes what it received (sharedFrom.packageId says which records).
   */
  at?: Date | string;
}

/** Reads an envelope (text or parsed JSON) and checks its shape; every problem is a ProtectionError 'invalid'. */
export function readSealedShare(doc: unknown): SealedShare {
  const value = parsedJson(doc, MAX_SEALED_SHARE_CHARS + 64 * 1024, 'The share package file');
  if ((value as { format?: unknown } | null)?.format !== SEALED_SHARE_FORMAT) {
    throw new ProtectionError('invalid', `This is not a sealed share package of asi-interview (expected "format": "${SEALED_SHARE_FORMAT}").`);
  }
  const version = (value as { formatVersion?: unknown }).formatVersion;
  if (typeof version === 'number' && version > 1) {
    throw new ProtectionError('invalid', `The share package is of format version ${version}; this version of the app reads version 1. Update the app.`);
  }
  return parseWith(SealedShareSchema, value, 'The sealed share package is damaged');
}

/**
 * Opens a sealed share package and returns it checked. Fails with a ProtectionError whose message says what and where:
 * 'wrong-key' for a package sealed for another unit's key, or a private key that is not the one of the public key
 * file; 'wrong-passphrase'; 'integrity' for a package changed after it was sealed (its data or its clear header);
 * 'invalid' for a malformed envelope or package. A package whose consent has ended at `at` is a SharingError 'expired'.
 */
export async function openSharePackage(envelope: unknown, key: OpenWith, options: OpenOptions = {}): Promise<SharePackage> {
  const sealed = readSealedShare(envelope);
  if (key === null || typeof key !== 'object') throw new ProtectionError('invalid', 'Opening a share package needs the unit\'s private key and public key file, or the passphrase.');
  const from = `the share package from ${sealed.sender.name}`;
  const data = fromBase64(sealed.data);
  const iv = fromBase64(sealed.iv)!;
  const keyCheck = fromBase64(sealed.keyCheck)!;
  if (!data || data.length < 16) throw invalid('The sealed share package is damaged', [{ path: 'data', message: 'Expected the sealed package in base64' }]);

  let derived: { key: CryptoKey; check: Uint8Array<ArrayBuffer> };
  let recipient: Organisation | undefined;
  if (sealed.method === 'public-key') {
    if (!('privateKey' in key)) throw new ProtectionError('invalid', `${cap(from)} was sealed for a unit's key: open it with the unit's private key, not a passphrase.`);
    const file = await readPublicKeyFile(key.publicKeyFile);
    if (sealed.recipientFingerprint !== file.fingerprint) {
      throw new ProtectionError(
        'wrong-key',
        `${cap(from)} was sealed for another unit's key (fingerprint ${formatFingerprint(sealed.recipientFingerprint)}), not for ${file.organisation.name}'s (${formatFingerprint(file.fingerprint)}).`,
      );
    }
    if (!isEcdhKey(key.privateKey, 'private') || !key.privateKey.usages.includes('deriveBits')) {
      throw new ProtectionError('invalid', 'The private key given is not a private ECDH P-256 sharing key.');
    }
    const privateKey = key.privateKey;
    const ephemeral = await importPublicKey(sealed.ephemeralPublicKey, `The ephemeralPublicKey of ${from}`);
    const secret = await step(`Agreeing a key for ${from} failed.`, () => subtle().deriveBits({ name: 'ECDH', public: ephemeral }, privateKey, 256));
    derived = await keysFrom(secret, fromBase64(sealed.salt)!, publicKeyInfo(sealed.recipientFingerprint));
    if (!sameBytes(derived.check, keyCheck)) {
      throw new ProtectionError(
        'wrong-key',
        `The private key does not open ${from}: it is not the private key of ${file.organisation.name}'s public key (fingerprint ${formatFingerprint(file.fingerprint)}), or the package's key material was changed.`,
      );
    }
    recipient = file.organisation;
  } else {
    if (!('passphrase' in key)) throw new ProtectionError('invalid', `${cap(from)} was sealed with a passphrase: open it with the passphrase, not a key.`);
    const wrong = () => new ProtectionError('wrong-passphrase', `The passphrase is wrong: it does not open ${from}.`);
    // Sealing refused shorter ones, so a short one cannot be right: no need to spend a PBKDF2 derivation on it.
    if (typeof key.passphrase !== 'string' || [...key.passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) throw wrong();
    const salt = fromBase64(sealed.kdf.salt)!;
    derived = await keysFrom(await passphraseBits(key.passphrase, salt, sealed.kdf.iterations), salt, PASSPHRASE_INFO);
    if (!sameBytes(derived.check, keyCheck)) throw wrong();
  }

  let plain: ArrayBuffer;
  try {
    plain = await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: additionalData(sealed) }, derived.key, data);
  } catch (error) {
    // The key is right (its check value matched), so a failing tag means changed bytes, in the data or the header.
    throw new ProtectionError('integrity', `${cap(from)} failed its integrity check: its data or its header was changed after it was sealed.`, error);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(fromUtf8(plain));
  } catch {
    throw new ProtectionError('invalid', `${cap(from)} opened, but what it holds is not JSON.`);
  }
  const checked = checkSharePackage(doc);
  if (!checked.ok) throw invalid(`${cap(from)} opened, but it is not a valid share package`, checked.problems);
  const pkg = checked.package;
  if (pkg.sender.id !== sealed.sender.id || pkg.sender.name !== sealed.sender.name) {
    throw new ProtectionError('invalid', `${cap(from)} names another sender inside (${pkg.sender.name}, ${pkg.sender.id}) than outside (${sealed.sender.id}).`);
  }
  if (recipient && pkg.recipient.id !== recipient.id) {
    throw new ProtectionError('wrong-key', `${cap(from)} is addressed to ${pkg.recipient.name} (${pkg.recipient.id}), not to ${recipient.name} (${recipient.id}).`);
  }
  const at = instantOf(options.at ?? new Date(), 'The time of opening');
  if (at > Date.parse(pkg.consent.validUntil)) {
    throw new SharingError('expired', `${cap(from)} may no longer be used: the client's consent ended at ${pkg.consent.validUntil}`);
  }
  return pkg;
}

const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
