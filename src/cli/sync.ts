// The sync command: set up a unit's CouchDB database, push bundles into it, pull its records as a bundle.
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, checkBundle, type Bundle } from '../core/exchange/bundle.js';
import { nowWithOffset } from '../core/storage/audit-chain.js';
import { DESIGN_DOC } from '../core/sync/design.js';
import { fromDocuments, toDocuments, type UnitDoc } from '../core/sync/documents.js';
import { instrumentResolver, loadBundles, openOutput, passphraseOption, writeBundle } from './bundles.js';
import { couchFromUrl, serverReason, type Couch } from './couch.js';
import { InputError, UsageError, parseCommandArgs, type Command } from './io.js';

const BATCH = 500;

export const syncCommand: Command = {
  name: 'sync',
  summary: "Set up a unit's CouchDB database, push bundles into it, pull it as a bundle",
  usage: `Usage: asi-interview sync setup <couch-db-url>
       asi-interview sync push <couch-db-url> [--passphrase-file <file>] BUNDLE...
       asi-interview sync pull <couch-db-url> [--out <file>]

setup  creates the database if the user may, and installs (or updates) its design document, whose
       validate_doc_update refuses changed or deleted audit events, documents without an author, and documents
       whose author is not the writing user.
push   uploads the records of bundles (merged first, checked in full): clients and interviews as documents, each
       audit event as its own immutable document. An audit event already on the server with other content is a
       fork: nothing is written and the event is named.
pull   writes every record of the database as one JSON bundle (checked like any bundle), so that
       "asi-interview sync pull URL | asi-interview report -" reports on a unit.

The URL is http(s)://[user:password@]host:port/database; without credentials in it, COUCH_USER and COUCH_PASSWORD
are used. What is written names that user as its author.

Exit status: 0 on success, 1 if the server refuses or cannot be reached, or a bundle is invalid, 2 for usage errors.`,

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
  parseCommandArgs(args, {});
  const created = await couch.request('PUT', '');
  if (created.status !== 201 && created.status !== 412) throw serverReason(`Creating ${couch.url}`, created.status, created.body);
  const current = await couch.request<{ _rev?: string; version?: number }>('GET', `/${DESIGN_DOC._id}`);
  if (current.status === 200 && current.body.version === DESIGN_DOC.version) {
    process.stderr.write(`${couch.url}: ready (design document version ${DESIGN_DOC.version} already installed)\n`);
    return 0;
  }
  const doc = { ...DESIGN_DOC, ...(current.status === 200 && current.body._rev ? { _rev: current.body._rev } : {}) };
  const put = await couch.request('PUT', `/${DESIGN_DOC._id}`, doc);
  if (put.status !== 201 && put.status !== 200) throw serverReason(`Installing the design document in ${couch.url}`, put.status, put.body);
  process.stderr.write(`${couch.url}: ${created.status === 201 ? 'created, ' : ''}design document version ${DESIGN_DOC.version} installed\n`);
  return 0;
}

async function push(couch: Couch, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'passphrase-file': { type: 'string' } });
  if (positionals.length === 0) throw new UsageError('Give at least one bundle (or - for standard input)');
  if (!couch.user) throw new UsageError('Give the CouchDB user (in the URL or COUCH_USER): every document names its author');
  await reachable(couch);
  const { bundle } = await loadBundles(positionals, undefined, await passphraseOption(values['passphrase-file']));
  const docs = toDocuments(bundle, couch.user);

  // Read what is there first, all of it, so that a fork is found before anything is written.
  const existing = new Map<string, UnitDoc>();
  for (let i = 0; i < docs.length; i += BATCH) {
    const keys = docs.slice(i, i + BATCH).map((d) => d._id);
    const found = await couch.request<{ rows: { key: string; doc?: UnitDoc | null }[] }>('POST', '/_all_docs?include_docs=true', { keys });
    if (found.status !== 200) throw serverReason(`Reading ${couch.url}`, found.status, found.body);
    for (const row of found.body.rows) if (row.doc) existing.set(row.key, row.doc);
  }
  const writes: UnitDoc[] = [];
  for (const doc of docs) {
    const there = existing.get(doc._id);
    if (doc.type === 'audit' && there) {
      if (there.type !== 'audit' || JSON.stringify(there.event) !== JSON.stringify(doc.event)) {
        throw new InputError(`Audit event ${doc.n + 1} of interview ${doc.event.interviewId} is already on the server with other content (the interview was changed in two places); nothing was written`);
      }
      continue;
    }
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

async function pull(couch: Couch, args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { out: { type: 'string' } });
  await reachable(couch);
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
  const { records, problems } = fromDocuments(docs);
  if (problems.length) throw new InputError(`${couch.url} holds documents this version cannot read:\n  ${problems.slice(0, 10).join('\n  ')}`);
  // Through the bundle check, so a pulled bundle is exactly as valid as any other (its audit events by interview).
  const pulled: Bundle = { format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, exportedAt: nowWithOffset(), instruments: instrumentsOf(records.interviews), ...records };
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

function instrumentsOf(interviews: { instrumentId: string; instrumentVersion: string }[]) {
  const refs = new Map(interviews.map((i) => [`${i.instrumentId}@${i.instrumentVersion}`, { id: i.instrumentId, version: i.instrumentVersion }]));
  return [...refs.values()];
}

/** The first request, so that a wrong password or an unknown database is said before anything else. */
async function reachable(couch: Couch): Promise<void> {
  const info = await couch.request('GET', '');
  if (info.status !== 200) throw serverReason(`Opening ${couch.url}`, info.status, info.body);
}
