// The unit database's design document: the rules CouchDB itself enforces on every write, whoever writes.

/**
 * How the unit's records travel, chosen once by whoever sets the database up (`sync setup`), and enforced by the
 * server: `sealed` (end-to-end encrypted under the unit key with this id) or `plaintext`, accepted explicitly.
 */
export type UnitEncryption = { mode: 'sealed'; keyId: string } | { mode: 'plaintext'; acceptedBy: string; acceptedAt: string };

/** Bumped whenever the rules change, so `sync setup` knows an installed copy is outdated. */
export const DESIGN_VERSION = 2;
export const DESIGN_ID = '_design/asi-interview';
/** The unit key's passphrase slots (no secret a passphrase does not guard), so staff on any device can unlock. */
export const UNIT_KEY_DOC = 'unit:key';

/**
 * `validate_doc_update` runs inside CouchDB (its own JavaScript engine), never in the app: it is shipped as text,
 * with the unit's key id written into it. It refuses a document without an author, one whose author is not the
 * writing user, a changed or deleted audit event, a document of an unknown format or type, a record that is not
 * sealed with the unit key (or, in a plaintext unit, one that is), a unit-key document for another key, and a lease
 * taken over from someone else before it expired. Design documents are for the database's admins only (CouchDB's rule).
 */
function validate(encryption: UnitEncryption): string {
  const expected = encryption.mode === 'sealed' ? JSON.stringify(encryption.keyId) : 'undefined';
  return `function (newDoc, oldDoc, userCtx) {
  var KEY = ${expected};
  if (newDoc._id.indexOf('_design/') === 0) return;
  if (oldDoc && oldDoc.type === 'audit') {
    throw({ forbidden: 'Audit event ' + newDoc._id + ' is written once and is never changed or deleted.' });
  }
  if (newDoc._deleted) {
    if (oldDoc && oldDoc.type === 'lease') return;
    throw({ forbidden: 'Records of asi-interview are never deleted (' + newDoc._id + ').' });
  }
  if (typeof newDoc.author !== 'string' || newDoc.author === '') {
    throw({ forbidden: 'Document ' + newDoc._id + ' names no author.' });
  }
  if (newDoc.author !== userCtx.name) {
    throw({ forbidden: 'Document ' + newDoc._id + ' names ' + newDoc.author + ' as its author, but ' + userCtx.name + ' is writing it.' });
  }
  if (newDoc.format !== 1) throw({ forbidden: 'Document ' + newDoc._id + ' is of an unknown format.' });
  if (newDoc.type === 'unit-key') {
    if (newDoc._id !== '${UNIT_KEY_DOC}' || KEY === undefined || !newDoc.header || newDoc.header.keyId !== KEY) {
      throw({ forbidden: 'Document ' + newDoc._id + ' is not the passphrase slots of this unit\\'s key.' });
    }
    return;
  }
  if (newDoc.type === 'lease') {
    if (newDoc._id.indexOf('lease:') !== 0 || typeof newDoc.until !== 'string') throw({ forbidden: 'Lease ' + newDoc._id + ' is malformed.' });
    return;
  }
  if (['client', 'interview', 'audit'].indexOf(newDoc.type) < 0) {
    throw({ forbidden: 'Document ' + newDoc._id + ' is not a client, interview or audit event.' });
  }
  if (newDoc.encryption !== KEY) {
    throw({ forbidden: KEY === undefined ? 'Document ' + newDoc._id + ' is encrypted, but this unit keeps plaintext.' : 'Document ' + newDoc._id + ' is not sealed with this unit\\'s key: this unit accepts only encrypted records.' });
  }
}`;
}

export interface DesignDoc {
  _id: typeof DESIGN_ID;
  _rev?: string;
  language: 'javascript';
  version: number;
  /** The unit's choice, readable by members so that the app and the CLI know how to write. */
  encryption: UnitEncryption;
  validate_doc_update: string;
}

export function designDoc(encryption: UnitEncryption): DesignDoc {
  return { _id: DESIGN_ID, language: 'javascript', version: DESIGN_VERSION, encryption, validate_doc_update: validate(encryption) };
}

/** The unit's choice as an installed design document states it, or why it cannot be used. */
export function unitEncryption(design: unknown): { ok: true; encryption: UnitEncryption } | { ok: false; reason: string } {
  const doc = design as Partial<DesignDoc> | undefined;
  if (!doc || doc._id !== DESIGN_ID) return { ok: false, reason: 'the database is not set up for asi-interview (run "asi-interview sync setup" as its admin)' };
  if (doc.version !== DESIGN_VERSION || !doc.encryption) {
    return { ok: false, reason: `the database was set up by another version (design document ${String(doc.version)}, this version needs ${DESIGN_VERSION}): run "asi-interview sync setup" again` };
  }
  const e = doc.encryption;
  if (e.mode === 'sealed' && typeof e.keyId === 'string') return { ok: true, encryption: e };
  if (e.mode === 'plaintext') return { ok: true, encryption: e };
  return { ok: false, reason: 'the design document names no encryption choice' };
}
