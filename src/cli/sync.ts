// The sync command: set up a unit's CouchDB database, push bundles into it, pull its records as a bundle.
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, checkBundle, instrumentRefs, type Bundle } from '../core/exchange/bundle.js';
import { createUnitKey, unlockUnitKey } from '../core/protection/unit-key.js';
import { canonicalJson, nowWithOffset } from '../core/storage/audit-chain.js';
import { DESIGN_ID, UNIT_KEY_DOC, designDoc, unitEncryption, type DesignDoc, type UnitEncryption } from '../core/sync/design.js';
import { auditDocPlace, auditDocRange, fromDocuments, toDocuments, type DocCodec, type UnitDoc } from '../core/sync/documents.js';
import { unitCodec, unitKeyDoc, type UnitKeyDoc } from '../core/sync/unit.js';
import { instrumentResolver, loadBundles, openOutput, passphraseOption, writeBundle } from './bundles.js';
import { couchFromUrl, serverReason, type Couch } from './couch.js';
import { InputError, UsageError, parseCommandArgs, type Command } from './io.js';

const BATCH = 500;

export const syncCommand: Command = {
  name: 'sync',
  summary: "Set up a unit's CouchDB database, push bundles into it, pull it as a bundle",
  usage: `Usage: asi-interview sync setup <couch-db-url> (--passphrase-file <file> | --accept-plaintext)
       asi-interview sync push <couch-db-url> [--passphrase-file <file>] BUNDLE...
       asi-interview sync pull <couch-db-url> [--passphrase-file <file>] [--out <file>]

setup  (as the server's admin) creates the database if need be and installs its design document, whose
       validate_doc_update refuses changed or deleted audit events, documents without an author or written by
       another user than they name, and records that do not follow the unit's choice of encryption:
         --passphrase-file F  records are end-to-end encrypted: a new unit key is made with this passphrase (or the
                              server's is checked against it), and only its passphrase slots go to the server;
         --accept-plaintext   the unit accepts that its server holds answers, client codes and free text in clear.
push   uploads the records of bundles (merged first, checked in full), sealed with the unit key when the unit is
       encrypted: clients and interviews as documents, each audit event as its own immutable document. An audit
       event already on the server with other content is a fork: nothing is written and the event is named.
pull   writes every record of the database as one JSON bundle (checked like any bundle, opened with the unit key
       when encrypted), so that "asi-interview sync pull URL | asi-interview report -" reports on a unit.

--passphrase-file <file>  the unit passphrase, read from the file's first line (never give it as an argument); it
                          also opens encrypted backups given to push.

The URL is http(s)://[user:password@]host:port/database; without credentials in it, COUCH_USER and COUCH_PASSWORD
are used. What is written names that user as its author.

Exit status: 0 on success, 1 if the server refuses or cannot be reached, a passphrase is wrong or a bundle is
invalid, 2 for usage errors.`,

  async run(args) {
    const [action, url, ...rest] = args;
    if (action === undefined || !['setup', 'push', 'pull'].includes(action)) throw new UsageError('Give setup, push or pull');
    if (url === undefined) throw new UsageError(`sync ${action} needs the database URL`);
    const couch = couchFromUrl(url);
    if (action === 'setup') return setup(couch, rest);
    if (action === 'push') return push(couch, rest);
    return pull(couch, rest);
  },
};

async function setup(couch: Couch, args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { 'passphrase-file': { type: 'string' }, 'accept-plaintext': { type: 'boolean' } });
  const passphrase = await passphraseOption(values['passphrase-file']);
  if ((passphrase === undefined) === !values['accept-plaintext']) throw new UsageError('Give either --passphrase-file (encrypted records) or --accept-plaintext');
  if (!couch.user) throw new UsageError("Give the admin user (in the URL or COUCH_USER): setting up a unit's database is for its admin");
  const created = await couch.request('PUT', '');
  if (created.status !== 201 && created.status !== 412) throw serverReason(`Creating ${couch.url}`, created.status, created.body);
  const current = await couch.request<DesignDoc>('GET', `/${DESIGN_ID}`);
  const installed = current.status === 200 ? unitEncryption(current.body) : undefined;
  const keyDoc = await getDoc<UnitKeyDoc>(couch, UNIT_KEY_DOC);

  let encryption: UnitEncryption;
  let newKey: UnitKeyDoc | undefined;
  if (passphrase !== undefined) {
    if (keyDoc) {
      // The unit already has a key: setup only checks the passphrase opens it, and never makes a second one.
      await unlockUnitKey(keyDoc.header, passphrase);
      encryption = { mode: 'sealed', keyId: keyDoc.header.keyId };
    } else {
      const { header } = await createUnitKey(passphrase, { label: 'unit' });
      newKey = unitKeyDoc(header, couch.user);
      encryption = { mode: 'sealed', keyId: header.keyId };
    }
  } else {
    encryption = installed?.ok && installed.encryption.mode === 'plaintext' ? installed.encryption : { mode: 'plaintext', acceptedBy: couch.user, acceptedAt: nowWithOffset() };
  }
  if (installed?.ok && !sameChoice(installed.encryption, encryption) && (await recordCount(couch)) > 0) {
    throw new InputError(
      `${couch.url} already holds records ${installed.encryption.mode === 'sealed' ? 'encrypted with its unit key' : 'in plaintext'}; its choice cannot be changed in place (pull them, set up a new database, push them)`,
    );
  }
  if (installed?.ok && sameChoice(installed.encryption, encryption) && !newKey) {
    process.stderr.write(`${couch.url}: ready (design document version ${current.body.version}, ${describe(encryption)})\n`);
    return 0;
  }
  const doc = { ...designDoc(encryption), ...(current.status === 200 && current.body._rev ? { _rev: current.body._rev } : {}) };
  const put = await couch.request('PUT', `/${DESIGN_ID}`, doc);
  if (put.status !== 201 && put.status !== 200) throw serverReason(`Installing the design document in ${couch.url}`, put.status, put.body);
  if (newKey) {
    const key = await couch.request('PUT', `/${UNIT_KEY_DOC}`, newKey);
    if (key.status !== 201) throw serverReason(`Storing the unit key's passphrase slots in ${couch.url}`, key.status, key.body);
  }
  process.stderr.write(`${couch.url}: ${created.status === 201 ? 'created, ' : ''}design document version ${doc.version} installed (${describe(encryption)})\n`);
  if (encryption.mode === 'plaintext') {
    process.stderr.write(
      'Warning: this unit keeps plaintext on its server. Whoever administers or backs up the server can read every answer, client code and free text. Use --passphrase-file for end-to-end encryption.\n',
    );
  }
  return 0;
}

const sameChoice = (a: UnitEncryption, b: UnitEncryption) => a.mode === b.mode && (a.mode === 'plaintext' || a.keyId === (b as { keyId: string }).keyId);
const describe = (e: UnitEncryption) => (e.mode === 'sealed' ? `records end-to-end encrypted, unit key ${e.keyId}` : `plaintext accepted by ${e.acceptedBy} on ${e.acceptedAt}`);

async function recordCount(couch: Couch): Promise<number> {
  const page = await couch.request<{ rows: { id: string }[] }>('GET', `/_all_docs?limit=3`);
  return (page.body.rows ?? []).filter((r) => !r.id.startsWith('_design/') && !r.id.startsWith('unit:')).length;
}

async function getDoc<T>(couch: Couch, id: string): Promise<T | undefined> {
  const found = await couch.request<T>('GET', `/${encodeURIComponent(id)}`);
  if (found.status === 404) return undefined;
  if (found.status !== 200) throw serverReason(`Reading ${id} in ${couch.url}`, found.status, found.body);
  return found.body;
}

/** The unit's choice and its codec: the first requests, so a wrong password or an unknown database is said first. */
async function openUnit(couch: Couch, passphrase: string | undefined): Promise<DocCodec> {
  const info = await couch.request('GET', '');
  if (info.status !== 200) throw serverReason(`Opening ${couch.url}`, info.status, info.body);
  const choice = unitEncryption(await getDoc<DesignDoc>(couch, DESIGN_ID));
  if (!choice.ok) throw new InputError(`${couch.url}: ${choice.reason}`);
  const keyDoc = choice.encryption.mode === 'sealed' ? await getDoc<UnitKeyDoc>(couch, UNIT_KEY_DOC) : undefined;
  return unitCodec(choice.encryption, keyDoc, passphrase);
}

async function push(couch: Couch, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'passphrase-file': { type: 'string' } });
  if (positionals.length === 0) throw new UsageError('Give at least one bundle (or - for standard input)');
  if (!couch.user) throw new UsageError('Give the CouchDB user (in the URL or COUCH_USER): every document names its author');
  const passphrase = await passphraseOption(values['passphrase-file']);
  const codec = await openUnit(couch, passphrase);
  const { bundle } = await loadBundles(positionals, undefined, passphrase);
  const docs = await toDocuments(bundle, couch.user, codec);

  // Read what is there first, all of it, so that a fork is found before anything is written.
  const existing = new Map<string, UnitDoc>();
  for (let i = 0; i < docs.length; i += BATCH) {
    const keys = docs.slice(i, i + BATCH).map((d) => d._id);
    const found = await couch.request<{ rows: { key: string; doc?: UnitDoc | null }[] }>('POST', '/_all_docs?include_docs=true', { keys });
    if (found.status !== 200) throw serverReason(`Reading ${couch.url}`, found.status, found.body);
    for (const row of found.body.rows) if (row.doc) existing.set(row.key, row.doc);
  }
  // An event id names its content, so another event at the same place is another id: look at each trail's ids.
  const ours = new Map(docs.filter((d) => d.type === 'audit').map((d) => [d._id, d]));
  const interviews = [...new Set([...ours.values()].map((d) => (d as { event: { interviewId: string } }).event.interviewId))];
  for (let i = 0; i < interviews.length; i += 8) {
    await Promise.all(
      interviews.slice(i, i + 8).map(async (id) => {
        const { startkey, endkey } = auditDocRange(id);
        const page = await couch.request<{ rows: { id: string }[] }>('GET', `/_all_docs?startkey=${encodeURIComponent(JSON.stringify(startkey))}&endkey=${encodeURIComponent(JSON.stringify(endkey))}`);
        if (page.status !== 200) throw serverReason(`Reading ${couch.url}`, page.status, page.body);
        const mine = new Map([...ours.keys()].flatMap((k) => { const p = auditDocPlace(k); return p && p.interviewId === id ? [[p.n, k] as const] : []; }));
        for (const row of page.body.rows) {
          const place = auditDocPlace(row.id);
          if (place && mine.has(place.n) && mine.get(place.n) !== row.id) {
            throw new InputError(`Audit event ${place.n + 1} of interview ${id} is already on the server with other content (the interview was changed in two places); nothing was written`);
          }
        }
      }),
    );
  }
  const writes: UnitDoc[] = [];
  for (const doc of docs) {
    const there = existing.get(doc._id);
    if (there && (await sameContent(there, doc, codec))) continue;
    if (doc.type === 'audit' && there) throw new InputError(`Audit event ${doc._id} on the server does not open to its own content; nothing was written`);
    writes.push(there?._rev ? { ...doc, _rev: there._rev } : doc);
  }
  let written = 0;
  for (let i = 0; i < writes.length; i += BATCH) {
    const result = await couch.request<{ id: string; error?: string; reason?: string }[]>('POST', '/_bulk_docs', { docs: writes.slice(i, i + BATCH) });
    if (result.status !== 201 && result.status !== 200) throw serverReason(`Writing to ${couch.url}`, result.status, result.body);
    const failed = result.body.filter((r) => r.error);
    if (failed.length) {
      const first = failed[0]!;
      throw new InputError(`${couch.url} refused ${failed.length} document(s) (${written} were written before), e.g. ${first.id}: ${first.error}${first.reason ? `: ${first.reason}` : ''}`);
    }
    written += result.body.length;
  }
  process.stderr.write(`${couch.url}: ${written} document(s) written, ${docs.length - written} already there (${bundle.clients.length} clients, ${bundle.interviews.length} interviews)\n`);
  return 0;
}


/** The same records, whatever the IVs: sealed documents are compared by what they open to. */
async function sameContent(there: UnitDoc, doc: UnitDoc, codec: DocCodec): Promise<boolean> {
  if (there.type !== doc.type || there.encryption !== doc.encryption) return false;
  const [a, b] = await Promise.all([fromDocuments([there], codec), fromDocuments([doc], codec)]);
  return a.problems.length === 0 && canonicalJson([a.records, [...a.events]]) === canonicalJson([b.records, [...b.events]]);
}

async function pull(couch: Couch, args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { out: { type: 'string' }, 'passphrase-file': { type: 'string' } });
  const codec = await openUnit(couch, await passphraseOption(values['passphrase-file']));
  const docs: unknown[] = [];
  let startkey: string | undefined;
  for (;;) {
    const query = `limit=${BATCH + 1}&include_docs=true${startkey === undefined ? '' : `&startkey=${encodeURIComponent(JSON.stringify(startkey))}`}`;
    const page = await couch.request<{ rows: { id: string; doc: unknown }[] }>('GET', `/_all_docs?${query}`);
    if (page.status !== 200) throw serverReason(`Reading ${couch.url}`, page.status, page.body);
    const rows = page.body.rows;
    docs.push(...rows.slice(0, BATCH).map((r) => r.doc));
    if (rows.length <= BATCH) break;
    startkey = rows[BATCH]!.id;
  }
  const { records, problems, forks } = await fromDocuments(docs, codec);
  if (problems.length) throw new InputError(`${couch.url} holds documents this version cannot read:\n  ${problems.slice(0, 10).join('\n  ')}`);
  if (forks.size) {
    const lines = [...forks].slice(0, 10).map(([id, n]) => `  interview ${id}: two different events at place ${n + 1}`);
    throw new InputError(`${couch.url} holds interviews changed in two places (forks), which a bundle cannot carry; resolve them in the app first:\n${lines.join('\n')}`);
  }
  // Through the bundle check, so a pulled bundle is exactly as valid as any other (its audit events by interview).
  const pulled: Bundle = { format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, exportedAt: nowWithOffset(), instruments: instrumentRefs(records.interviews), ...records };
  const checked = await checkBundle(pulled, { resolveInstrument: instrumentResolver() });
  if (!checked.ok) {
    const lines = checked.problems.slice(0, 10).map((p) => `  ${p.path}: ${p.message}`);
    throw new InputError(`${couch.url} holds records that are not a valid bundle:\n${lines.join('\n')}`);
  }
  const out = await openOutput(values.out);
  await writeBundle(out, checked.bundle);
  await out.close();
  return 0;
}

