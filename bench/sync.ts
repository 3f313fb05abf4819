// Sync figures against a local CouchDB-protocol server: first push and first pull of a whole unit through PouchDB replication.
import PouchDB from 'pouchdb-core';
import HttpAdapter from 'pouchdb-adapter-http';
import MemoryAdapter from 'pouchdb-adapter-memory';
import Replication from 'pouchdb-replication';
import { builtinDefinition, loadInstrument } from '../src/core/definition/index.js';
import { createUnitKey } from '../src/core/protection/unit-key.js';
import { simulateBundle } from '../src/core/simulation/simulate.js';
import { designDoc, UNIT_KEY_DOC } from '../src/core/sync/design.js';
import { toDocuments } from '../src/core/sync/documents.js';
import { sealedDocs, unitKeyDoc } from '../src/core/sync/unit.js';
import { startCouch } from '../tests/support/couch-server.js';

PouchDB.plugin(HttpAdapter).plugin(MemoryAdapter).plugin(Replication);

const CLIENTS = Number(process.env.BENCH_SYNC_CLIENTS ?? 1000);
const ROUNDS = ['grund', 'lite', 'uppfoljning'];
const PASSPHRASE = 'bänkens-lösenfras-2026';
const log = (...args: unknown[]) => console.error('[bench:sync]', ...args);

async function main() {
  const couch = await startCouch();
  try {
    const db = `bench-${Date.now().toString(36)}`;
    await couch.request('PUT', `/${db}`);
    const { header, key } = await createUnitKey(PASSPHRASE);
    await couch.request('PUT', `/${db}/_design/asi-interview`, designDoc({ mode: 'sealed', keyId: header.keyId }));
    await couch.request('PUT', `/${db}/${UNIT_KEY_DOC}`, unitKeyDoc(header, 'admin'));
    const anna = await couch.member(db, 'anna', 'annas-lösen-1');
    const remote = () => new PouchDB(`${couch.url}/${db}`, { auth: { username: anna.name, password: anna.password }, skip_setup: true });

    // 1. First push and first pull of a whole unit, sealed, through PouchDB replication (what a device does).
    log(`simulating ${CLIENTS} clients × ${ROUNDS.length} rounds of ASI…`);
    const asi = loadInstrument(await builtinDefinition('asi'));
    const bundle = await simulateBundle({ instrument: asi, clients: CLIENTS, rounds: ROUNDS, seed: 2026 });
    const records = bundle.clients.length + bundle.interviews.length + bundle.answers.length + bundle.audit.length + bundle.scores.length;
    const docs = await toDocuments(bundle, anna.name, sealedDocs(key));
    const source = new PouchDB(`bench-source-${db}`, { adapter: 'memory' });
    for (let i = 0; i < docs.length; i += 2000) await source.bulkDocs(docs.slice(i, i + 2000));
    log(`${docs.length} documents (${records} records) in the replica; pushing…`);
    let started = performance.now();
    const pushed = await source.replicate.to(remote(), { batch_size: 500 });
    const pushS = (performance.now() - started) / 1000;
    if (pushed.doc_write_failures) throw new Error(`push: ${pushed.doc_write_failures} documents refused`);
    await source.destroy();
    const target = new PouchDB(`bench-target-${db}`, { adapter: 'memory' });
    log('pulling into an empty replica…');
    started = performance.now();
    const pulled = await target.replicate.from(remote(), { batch_size: 500 });
    const pullS = (performance.now() - started) / 1000;
    await target.destroy();

    const lines = [
      `Sync (pouchdb-server ${couch.real ? '→ real CouchDB' : 'in memory'} on 127.0.0.1, PouchDB 9 replication, end-to-end encrypted)`,
      `  unit: ${CLIENTS} clients × ${ROUNDS.length} rounds (ASI ${ROUNDS.join(', ')}): ${records} records in ${docs.length} documents`,
      `  first push   ${pushS.toFixed(1)} s   ${Math.round(records / pushS)} records/s   ${Math.round(pushed.docs_written / pushS)} documents/s`,
      `  first pull   ${pullS.toFixed(1)} s   ${Math.round(records / pullS)} records/s   ${Math.round(pulled.docs_written / pullS)} documents/s`,
    ];
    console.log(lines.join('\n'));
    console.log(`BENCH_SYNC_JSON ${JSON.stringify({ clients: CLIENTS, rounds: ROUNDS.length, records, documents: docs.length, pushS, pullS})}`);
  } finally {
    await couch.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench:sync FAILED — ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
