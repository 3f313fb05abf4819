// The unit database's design document: the rules CouchDB itself enforces on every write, whoever writes.

/**
 * `validate_doc_update` runs inside CouchDB (its own JavaScript engine), never in the app: it is shipped as text.
 * It refuses a document without an author, one whose author is not the writing user, a changed or deleted audit
 * event, and a document of an unknown format. Design documents are for the database's admins only (CouchDB's rule).
 */
const VALIDATE = `function (newDoc, oldDoc, userCtx) {
  if (newDoc._id.indexOf('_design/') === 0) return;
  if (oldDoc && oldDoc.type === 'audit') {
    throw({ forbidden: 'Audit event ' + newDoc._id + ' is written once and is never changed or deleted.' });
  }
  if (newDoc._deleted) throw({ forbidden: 'Records of asi-interview are never deleted (' + newDoc._id + ').' });
  if (typeof newDoc.author !== 'string' || newDoc.author === '') {
    throw({ forbidden: 'Document ' + newDoc._id + ' names no author.' });
  }
  if (newDoc.author !== userCtx.name) {
    throw({ forbidden: 'Document ' + newDoc._id + ' names ' + newDoc.author + ' as its author, but ' + userCtx.name + ' is writing it.' });
  }
  if (newDoc.format !== 1) throw({ forbidden: 'Document ' + newDoc._id + ' is of an unknown format.' });
  if (['client', 'interview', 'audit'].indexOf(newDoc.type) < 0) {
    throw({ forbidden: 'Document ' + newDoc._id + ' is not a client, interview or audit event.' });
  }
}`;

/** Bumped whenever the rules change, so `sync setup` knows an installed copy is outdated. */
export const DESIGN_VERSION = 1;

export const DESIGN_DOC = {
  _id: '_design/asi-interview',
  language: 'javascript',
  version: DESIGN_VERSION,
  validate_doc_update: VALIDATE,
} as const;
