// The unit on its server: how records are sealed there (the design document's choice) and the shared key's slots.
import { ProtectionError } from '../protection/errors.js';
import { unlockUnitKey, type ProtectionHeader, type UnitKey } from '../protection/unit-key.js';
import { sealedCodec } from '../storage/codec.js';
import { UNIT_KEY_DOC, type UnitEncryption } from './design.js';
import { DOC_FORMAT, PLAIN_DOCS, type DocCodec } from './documents.js';

/** The unit key's passphrase slots as a document: the same header an encrypted store keeps beside its records. */
export interface UnitKeyDoc {
  _id: typeof UNIT_KEY_DOC;
  _rev?: string;
  format: typeof DOC_FORMAT;
  type: 'unit-key';
  author: string;
  header: ProtectionHeader;
}

export const unitKeyDoc = (header: ProtectionHeader, author: string): UnitKeyDoc => ({ _id: UNIT_KEY_DOC, format: DOC_FORMAT, type: 'unit-key', author, header });

/** Documents sealed under an unlocked unit key, exactly as its records are at rest. */
export const sealedDocs = (key: UnitKey): DocCodec => ({ keyId: key.keyId, records: sealedCodec(key) });

/**
 * The codec for a unit's documents: plaintext when the unit chose it, else the unit key opened with a passphrase
 * from the server's slots. A unit key that is not the one the design document names is refused.
 */
export async function unitCodec(encryption: UnitEncryption, keyDoc: UnitKeyDoc | undefined, passphrase: string | undefined): Promise<DocCodec> {
  if (encryption.mode === 'plaintext') return PLAIN_DOCS;
  if (!keyDoc?.header) throw new ProtectionError('invalid', 'The unit is encrypted, but its server holds no unit key (run "asi-interview sync setup" again).');
  if (keyDoc.header.keyId !== encryption.keyId) throw new ProtectionError('integrity', 'The unit key on the server is not the one its design document names.');
  if (passphrase === undefined) throw new ProtectionError('locked', "The unit's records are encrypted: give the unit passphrase (--passphrase-file).");
  return sealedDocs(await unlockUnitKey(keyDoc.header, passphrase));
}
