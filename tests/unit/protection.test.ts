// The protection layer in Node's WebCrypto: passphrase slots, non-extractable keys, sealed payloads, keyed links.
import { describe, expect, it } from 'vitest';
import {
  MIN_ITERATIONS,
  ProtectionError,
  addPassphrase,
  changePassphrase,
  createUnitKey,
  keyedLink,
  openJson,
  removePassphrase,
  sealJson,
  unlockUnitKey,
  type ProtectionHeader,
  type UnitKey,
} from '../../src/core/protection/index.js';
import { fromBase64 } from '../../src/core/protection/bytes.js';

const PASS = 'korrekt häst batteri';
const OTHER = 'reservnyckel för enheten';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProtectionError);
    return (error as ProtectionError).code;
  }
  throw new Error('expected a ProtectionError, but it resolved');
}

// PBKDF2 at 600,000 iterations takes a few hundred ms per derivation: one key for the whole file.
const made = createUnitKey(PASS, { label: 'unit' });

describe('unit key and passphrase slots', () => {
  it('derives the slot key with PBKDF2-SHA-256, at least 600,000 iterations and a random 16-byte salt', async () => {
    const { header } = await made;
    const [slot] = header.slots;
    expect(slot!.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: MIN_ITERATIONS });
    expect(fromBase64(slot!.kdf.salt)!.length).toBe(16);
    expect(fromBase64(slot!.wrapped.iv)!.length).toBe(12);
    const again = await createUnitKey(PASS);
    expect(again.header.slots[0]!.kdf.salt).not.toBe(slot!.kdf.salt);
    expect(again.header.keyId).not.toBe(header.keyId);
  }, 30_000);

  it('keeps the keys in use non-extractable', async () => {
    const { key } = await made;
    expect(key.records.extractable).toBe(false);
    expect(key.audit.extractable).toBe(false);
    expect(key.records.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    expect(key.audit.algorithm).toMatchObject({ name: 'HMAC' });
    await expect(globalThis.crypto.subtle.exportKey('raw', key.records)).rejects.toThrow();
  });

  it('refuses fewer iterations, a short passphrase, and a wrong passphrase with typed errors', async () => {
    expect(await codeOf(createUnitKey(PASS, { iterations: 100_000 }))).toBe('weak');
    expect(await codeOf(createUnitKey('kort'))).toBe('weak');
    const { header } = await made;
    expect(await codeOf(unlockUnitKey(header, 'fel lösenfras här'))).toBe('wrong-passphrase');
  }, 30_000);

  it('unlocks with the passphrase (NFC-normalised) into a key that opens what the first one sealed', async () => {
    const { header, key } = await made;
    const sealed = await sealJson(key, 'answers:["i1","M6"]', { value: 5 });
    const decomposed = PASS.normalize('NFD');
    expect(decomposed).not.toBe(PASS);
    const unlocked = await unlockUnitKey(header, decomposed);
    expect(await openJson(unlocked, 'answers:["i1","M6"]', sealed)).toEqual({ value: 5 });
  }, 30_000);

  it('adds a second slot, changes a passphrase without touching data, and never removes the last slot', async () => {
    const { header, key } = await made;
    const sealed = await sealJson(key, 'clients:"c1"', { code: 'K-1' });
    const two = await addPassphrase(header, PASS, OTHER, { label: 'recovery' });
    expect(two.slots.map((s) => s.label)).toEqual(['unit', 'recovery']);
    expect(await openJson(await unlockUnitKey(two, OTHER), 'clients:"c1"', sealed)).toEqual({ code: 'K-1' });

    const changed = await changePassphrase(two, PASS, 'en helt ny lösenfras');
    expect(await codeOf(unlockUnitKey(changed, PASS))).toBe('wrong-passphrase');
    expect(await openJson(await unlockUnitKey(changed, 'en helt ny lösenfras'), 'clients:"c1"', sealed)).toEqual({ code: 'K-1' });

    const one = removePassphrase(changed, changed.slots[1]!.id);
    expect(one.slots).toHaveLength(1);
    expect(() => removePassphrase(one, one.slots[0]!.id)).toThrow(ProtectionError);
  }, 60_000);

  it('fails a damaged slot or header as an error, not as a wrong passphrase', async () => {
    const { header } = await made;
    const broken: ProtectionHeader = { ...header, slots: [{ ...header.slots[0]!, kdf: { ...header.slots[0]!.kdf, iterations: 1000 } }] };
    expect(await codeOf(unlockUnitKey(broken, PASS))).toBe('invalid');
    expect(await codeOf(unlockUnitKey({ ...header, version: 9 } as never, PASS))).toBe('invalid');
  });
});

describe('sealed payloads', () => {
  let key: UnitKey;
  it('use a fresh 96-bit IV for every seal', async () => {
    ({ key } = await made);
    const ivs = new Set<string>();
    for (let i = 0; i < 200; i++) ivs.add(Buffer.from((await sealJson(key, 'answers:["i1","X"]', 'same')).iv).toString('hex'));
    expect(ivs.size).toBe(200);
  });

  it('hold no plaintext', async () => {
    const sealed = await sealJson(key, 'answers:["i1","T1"]', { value: 'CANARY-free-text' });
    expect(Buffer.from(sealed.data).toString('latin1')).not.toContain('CANARY');
  });

  it('fail with an integrity error on a flipped byte, a swapped context, or another key', async () => {
    const sealed = await sealJson(key, 'answers:["i1","M6"]', { value: 5 });
    const flipped = new Uint8Array(sealed.data.slice(0));
    flipped[3]! ^= 0x01;
    expect(await codeOf(openJson(key, 'answers:["i1","M6"]', { iv: sealed.iv, data: flipped.buffer }))).toBe('integrity');
    expect(await codeOf(openJson(key, 'answers:["i1","M7"]', sealed))).toBe('integrity');
    expect(await codeOf(openJson(key, 'answers:["i2","M6"]', sealed))).toBe('integrity');
    const other = await createUnitKey(OTHER);
    expect(await codeOf(openJson(other.key, 'answers:["i1","M6"]', sealed))).toBe('integrity');
  }, 30_000);
});

describe('keyed audit links', () => {
  it('depend on the key, the previous link and the content', async () => {
    const { key } = await made;
    const other = (await createUnitKey(OTHER)).key;
    const a = await keyedLink(key, '', '{"new":5}');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyedLink(key, '', '{"new":5}')).toBe(a);
    expect(await keyedLink(key, '', '{"new":6}')).not.toBe(a);
    expect(await keyedLink(key, a, '{"new":5}')).not.toBe(a);
    expect(await keyedLink(other, '', '{"new":5}')).not.toBe(a);
  }, 30_000);
});
