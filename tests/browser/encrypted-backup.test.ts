// Encrypted backups in Chromium: many random ASI interviews from an encrypted store through a sealed backup into another, and back.
import { expect } from '@open-wc/testing';
import { builtinDefinition } from '../../src/core/definition/builtin.js';
import { loadInstrument } from '../../src/core/definition/load.js';
import { exportBundle, importBundle, parseBundle, type Bundle } from '../../src/core/exchange/bundle.js';
import { openSealedBundle, sealBundle } from '../../src/core/exchange/sealed-bundle.js';
import { answerMapFromRecords, planInterview } from '../../src/core/flow/index.js';
import { createUnitKey } from '../../src/core/protection/unit-key.js';
import type { ProtectionError } from '../../src/core/protection/errors.js';
import { computeScores } from '../../src/core/scoring/composite.js';
import { simulateBundle } from '../../src/core/simulation/simulate.js';
import { deleteIdbStore, openIdbStore, type IdbInterviewStore } from '../../src/core/storage/idb-store.js';

const names: string[] = [];
const stores: IdbInterviewStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  for (const name of names.splice(0)) await deleteIdbStore(name);
});

async function encryptedStore(passphrase: string): Promise<IdbInterviewStore> {
  const name = `asi-backup-${crypto.randomUUID()}`;
  names.push(name);
  const store = await openIdbStore({ name });
  stores.push(store);
  await store.enableEncryption(await createUnitKey(passphrase));
  return store;
}

const withoutTime = ({ exportedAt: _at, ...rest }: Bundle) => rest;

describe('encrypted backup in Chromium (reliability 9)', () => {
  it('round-trips 40 random ASI interviews between two encrypted stores, deep-equal, scores recomputed; a wrong passphrase writes nothing', async () => {
    const asi = loadInstrument(await builtinDefinition('asi'));
    const simulated = await simulateBundle({ instrument: asi, clients: 20, rounds: ['grund', 'uppfoljning'], seed: 'chromium-backup' });
    const source = await encryptedStore('enhetens lösenfras A');
    await importBundle(source, simulated);
    const exported = await exportBundle(source);
    expect(exported.interviews).to.have.length(40);

    const file = await sealBundle(exported, 'säkerhetskopians lösenfras');
    for (const client of exported.clients) expect(file).not.to.include(client.code);

    const target = await encryptedStore('enhetens lösenfras B');
    const wrong = await openSealedBundle(file, 'fel lösenfras för kopian').catch((e: unknown) => e);
    expect((wrong as ProtectionError).code).to.equal('wrong-passphrase');
    expect(await target.recordCounts()).to.deep.equal({ clients: 0, interviews: 0 });

    const parsed = await parseBundle(await openSealedBundle(file, 'säkerhetskopians lösenfras'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems.slice(0, 3)));
    await importBundle(target, parsed.bundle);
    // Answers, audit logs in order with their hashes, instrument versions and scores: all as they were.
    expect(withoutTime(await exportBundle(target))).to.deep.equal(withoutTime(exported));
    for (const interview of exported.interviews) {
      expect((await target.verifyInterview(interview.id)).ok).to.equal(true);
      const stored = await target.getScores(interview.id);
      if (!stored.length) continue;
      const answers = answerMapFromRecords(await target.getAnswers(interview.id));
      const recomputed = computeScores(asi, interview.round, planInterview(asi, interview.round, answers).lookup);
      const pairs = (list: { scoreId: string; value: number | null }[]) => list.map((s) => [s.scoreId, s.value]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(pairs(recomputed)).to.deep.equal(pairs(stored));
    }
  }).timeout(180_000); // 40 ASI interviews sealed, opened and checked twice: seconds on a quiet machine, more under load
});
