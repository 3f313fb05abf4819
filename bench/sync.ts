// Sync figures against a local CouchDB-protocol server: first push and pull of a unit, and an answer's way from A to B.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import PouchDB from 'pouchdb-core';
import HttpAdapter from 'pouchdb-adapter-http';
import MemoryAdapter from 'pouchdb-adapter-memory';
import Replication from 'pouchdb-replication';
import { instrumentResolver } from '../src/cli/bundles.js';
import { builtinDefinition, loadInstrument } from '../src/core/definition/index.js';
import { importBundle } from '../src/core/exchange/bundle.js';
import { createUnitKey, unlockUnitKey } from '../src/core/protection/unit-key.js';
import { simulateBundle } from '../src/core/simulation/simulate.js';
import { IdbInterviewStore } from '../src/core/storage/idb-store.js';
import { designDoc, UNIT_KEY_DOC } from '../src/core/sync/design.js';
import { toDocuments } from '../src/core/sync/documents.js';
import { UnitReplica } from '../src/core/sync/replica.js';
import { sealedDocs, unitKeyDoc } from '../src/core/sync/unit.js';
import { startCouch } from '../tests/support/couch-server.js';

PouchDB.plugin(HttpAdapter).plugin(MemoryAdapter).plugin(Replication);

const CLIENTS = Number(process.env.BENCH_SYNC_CLIENTS ?? 1000);
const ROUNDS = ['grund', 'lite', 'uppfoljning'];
const DELAY_ANSWERS = 40;
const PASSPHRASE = 'bänkens-lösenfras-2026';
const percentile = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(p * list.length))]!;
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

    // 2. An answer saved on device A until it is in device B's store, with live replication both ways: A copies out at
    // once (as the app does after each save), B applies whenever its replica received something or caught up.
    log(`answer delay A → B over ${DELAY_ANSWERS} answers, live sync…`);
    const delayDb = `${db}-delay`;
    await couch.request('PUT', `/${delayDb}`);
    // The stand-in drops replicated updates once a validate_doc_update exists (see tests/support/couch-server.ts).
    if (couch.real) await couch.request('PUT', `/${delayDb}/_design/asi-interview`, designDoc({ mode: 'sealed', keyId: header.keyId }));
    await couch.member(delayDb, 'anna', anna.password);
    const device = async (name: string) => {
      const store = new IdbInterviewStore({ name, factory: new IDBFactory() });
      await store.enableEncryption({ header, key: await unlockUnitKey(header, PASSPHRASE) });
      const replica = new PouchDB(`bench-${name}-${delayDb}`, { adapter: 'memory' });
      const server = new PouchDB(`${couch.url}/${delayDb}`, { auth: { username: anna.name, password: anna.password }, skip_setup: true });
      const live = replica.sync(server, { live: true, retry: true });
      return { store, replica, live, sync: new UnitReplica(store, replica, { author: anna.name, resolveInstrument: instrumentResolver() }) };
    };
    const a = await device('a');
    const b = await device('b');
    let applying: Promise<unknown> = Promise.resolve();
    const apply = () => {
      applying = applying.then(() => b.sync.applyIncoming()).catch((error) => log('B could not apply:', (error as Error).message));
    };
    b.live.on('change', (info: { direction: string }) => info.direction === 'pull' && apply());
    b.live.on('paused', apply);
    const one = await simulateBundle({ instrument: asi, clients: 1, rounds: ['grund'], seed: 5, incompleteRate: 0 });
    await importBundle(a.store, one, { resolveInstrument: instrumentResolver() });
    await a.sync.copyOut();
    const interviewId = one.interviews[0]!.id;
    const until = async (check: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 60_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`${what} did not arrive on device B within 60 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    await until(async () => (await b.store.getInterview(interviewId)) !== undefined, 'the interview');
    const item = (await a.store.getAnswers(interviewId)).find((x) => typeof x.value === 'number' && x.source === 'entered')!;
    const delays: number[] = [];
    for (let k = 0; k < DELAY_ANSWERS; k++) {
      const value = (item.value as number) + (k % 2 === 0 ? 1 : 0);
      const t0 = performance.now();
      await a.store.saveAnswers(interviewId, [{ itemId: item.itemId, value, source: 'entered' }], { actor: 'anna', reason: 'bench' });
      await a.sync.copyOut();
      const events = (await a.store.getAuditLog(interviewId)).length;
      await until(async () => (await b.store.getAuditLog(interviewId)).length === events, `answer ${k + 1}`);
      delays.push(performance.now() - t0);
    }
    for (const d of [a, b]) {
      d.live.cancel();
      d.store.close();
      await d.replica.destroy();
    }

    const lines = [
      `Sync (pouchdb-server ${couch.real ? '→ real CouchDB' : 'in memory'} on 127.0.0.1, PouchDB 9 replication, end-to-end encrypted)`,
      `  unit: ${CLIENTS} clients × ${ROUNDS.length} rounds (ASI ${ROUNDS.join(', ')}): ${records} records in ${docs.length} documents`,
      `  first push   ${pushS.toFixed(1)} s   ${Math.round(records / pushS)} records/s   ${Math.round(pushed.docs_written / pushS)} documents/s`,
      `  first pull   ${pullS.toFixed(1)} s   ${Math.round(records / pullS)} records/s   ${Math.round(pulled.docs_written / pullS)} documents/s`,
      `  answer saved on A → in B's store (live sync, ${DELAY_ANSWERS} answers): p50 ${percentile(delays, 0.5).toFixed(0)} ms, p95 ${percentile(delays, 0.95).toFixed(0)} ms`,
    ];
    console.log(lines.join('\n'));
    console.log(`BENCH_SYNC_JSON ${JSON.stringify({ clients: CLIENTS, rounds: ROUNDS.length, records, documents: docs.length, pushS, pullS, delayP50Ms: percentile(delays, 0.5), delayP95Ms: percentile(delays, 0.95) })}`);
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
