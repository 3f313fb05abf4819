// asi-interview sync setup/push/pull against a CouchDB-protocol server (pouchdb-server here, real CouchDB with COUCH_URL).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDefinition, loadInstrument } from '../../src/core/definition/index.js';
import type { Bundle } from '../../src/core/exchange/bundle.js';
import { answerMapFromRecords, planInterview } from '../../src/core/flow/index.js';
import { computeScores } from '../../src/core/scoring/composite.js';
import { DESIGN_ID, DESIGN_VERSION } from '../../src/core/sync/design.js';
import { auditDocId } from '../../src/core/sync/documents.js';
import { startCouch, type CouchServer } from '../support/couch-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/asi-interview.js', ...args], { cwd: ROOT, env: { ...process.env, COUCH_USER: '', COUCH_PASSWORD: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

let couch: CouchServer;
let dir: string;
const DB = `unit-${Math.random().toString(36).slice(2, 8)}`;
let anna: { name: string; password: string };
let bundle: Bundle;

beforeAll(async () => {
  couch = await startCouch();
  dir = mkdtempSync(join(tmpdir(), 'asi-sync-'));
  const sim = await cli(['simulate', '--instrument', 'asi', '--clients', '25', '--rounds', 'grund,uppfoljning', '--seed', '7', '--out', join(dir, 'sim.json')]);
  expect(sim.code, sim.stderr).toBe(0);
  bundle = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')) as Bundle;
}, 120_000);

afterAll(async () => {
  await couch?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const docCount = async () => (await couch.request('GET', `/${DB}/_all_docs?limit=0`)).body.total_rows as number;

describe('sync setup', () => {
  it('creates the database, installs the design document, and says so once it is there', async () => {
    const neither = await cli(['sync', 'setup', couch.dbUrl(DB)]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('Give either --passphrase-file (encrypted records) or --accept-plaintext');
    const first = await cli(['sync', 'setup', couch.dbUrl(DB), '--accept-plaintext']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`design document version ${DESIGN_VERSION} installed (plaintext accepted by admin`);
    expect(first.stderr).toContain('Warning: this unit keeps plaintext on its server');
    const design = await couch.request('GET', `/${DB}/${DESIGN_ID}`);
    expect(design.body.validate_doc_update).toContain('newDoc.encryption !== KEY');
    expect(design.body.encryption).toMatchObject({ mode: 'plaintext', acceptedBy: 'admin' });
    const again = await cli(['sync', 'setup', couch.dbUrl(DB), '--accept-plaintext']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('ready (design document version');
    anna = await couch.member(DB, 'anna', 'annas-lösen-1');
    await couch.member(DB, 'bo', 'bos-lösen-22');
  });

  it('refuses, through the design document, a changed or deleted audit event, a document without an author and one by another', async () => {
    const put = (id: string, doc: object, user = anna) => couch.request('PUT', `/${DB}/${encodeURIComponent(id)}`, doc, user);
    const event = { interviewId: 'i-x', type: 'answer', itemId: 'G1', old: null, new: 1, at: '2026-01-01T10:00:00.000+01:00', actor: 'anna', prevHash: '', hash: 'h' };
    const id = auditDocId('i-x', 0, '0123456789abcdef');
    const created = await put(id, { format: 1, type: 'audit', author: 'anna', n: 0, event });
    expect(created.status).toBe(201);
    const edited = await put(id, { _rev: created.body.rev, format: 1, type: 'audit', author: 'anna', n: 0, event: { ...event, new: 2 } });
    expect(edited.status).toBe(403);
    expect(edited.body.reason).toContain('is never changed or deleted');
    const deleted = await couch.request('DELETE', `/${DB}/${encodeURIComponent(id)}?rev=${created.body.rev}`, undefined, anna);
    expect(deleted.status).toBe(403);
    const anonymous = await put('client:c-x', { format: 1, type: 'client', client: { id: 'c-x' } });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.reason).toContain('names no author');
    const impostor = await put('client:c-y', { format: 1, type: 'client', author: 'bo', client: { id: 'c-y' } });
    expect(impostor.status).toBe(403);
    expect(impostor.body.reason).toContain('names bo as its author, but anna is writing it');
    // Clean up the probe document as the admin cannot either (audit events are immutable): use another database.
  });
});

describe('sync push | pull', () => {
  const db2 = `${DB}-data`;
  it('pushes a simulated bundle and pulls back the same records, audit chains and scores', async () => {
    expect((await cli(['sync', 'setup', couch.dbUrl(db2), '--accept-plaintext'])).code).toBe(0);
    const member = await couch.member(db2, 'anna', 'annas-lösen-1');
    const pushed = await cli(['sync', 'push', couch.dbUrl(db2, member), join(dir, 'sim.json')]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stderr).toMatch(/\d+ document\(s\) written, 0 already there \(25 clients, 50 interviews\)/);
    // The author of every document is the user who wrote it.
    const sample = await couch.request('GET', `/${db2}/_all_docs?include_docs=true&limit=20`);
    expect(sample.body.rows.filter((r: { id: string }) => !r.id.startsWith('_design')).every((r: { doc: { author: string } }) => r.doc.author === 'anna')).toBe(true);

    // Credentials from the environment this time.
    const pulled = await cli(['sync', 'pull', `${couch.url}/${db2}`], { COUCH_USER: member.name, COUCH_PASSWORD: member.password });
    expect(pulled.code, pulled.stderr).toBe(0);
    const back = JSON.parse(pulled.stdout) as Bundle;
    // The same records; each interview's audit log in the same order (bundles may interleave interviews differently).
    const by = (key: (r: any) => string) => (a: any, b: any) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    const normal = (b: Bundle) => ({
      instruments: [...b.instruments].sort(by((r) => `${r.id}@${r.version}`)),
      clients: [...b.clients].sort(by((c) => c.id)),
      interviews: [...b.interviews].sort(by((i) => i.id)),
      answers: [...b.answers].sort(by((a) => `${a.interviewId} ${a.itemId}`)),
      scores: [...b.scores].sort(by((x) => `${x.interviewId} ${x.scoreId}`)),
      logs: Object.fromEntries(b.interviews.map((i) => [i.id, b.audit.filter((e) => e.interviewId === i.id)])),
    });
    expect(normal(back)).toEqual(normal(bundle));
    expect(back.audit).toHaveLength(bundle.audit.length);
    const asi = loadInstrument(await builtinDefinition('asi'));
    for (const interview of back.interviews.filter((i) => i.status === 'completed').slice(0, 10)) {
      const answers = answerMapFromRecords(back.answers.filter((a) => a.interviewId === interview.id));
      const recomputed = computeScores(asi, interview.round, planInterview(asi, interview.round, answers).lookup).map((s) => [s.scoreId, s.value]);
      const stored = back.scores.filter((s) => s.interviewId === interview.id).map((s) => [s.scoreId, s.value]);
      expect(recomputed.sort()).toEqual(stored.sort());
    }

    // Pushing the same again writes nothing: every document is already there with the same content.
    const again = await cli(['sync', 'push', couch.dbUrl(db2, member), join(dir, 'sim.json')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`0 document\\(s\\) written, ${bundle.clients.length + bundle.interviews.length + bundle.audit.length} already there`));
  }, 180_000);

  it('refuses a fork, a wrong password and an unreachable server with clear messages, and writes nothing', async () => {
    const before = (await couch.request('GET', `/${db2}/_all_docs?limit=0`)).body.total_rows as number;
    const forked = structuredClone(bundle);
    const first = forked.audit.findIndex((e) => e.interviewId === forked.interviews[0]!.id);
    forked.audit[first]!.actor = 'someone else';
    // Re-hash from there on so the bundle itself is valid: the conflict is only with what the server holds.
    const { sealEvents } = await import('../../src/core/storage/audit-chain.js');
    const indexes = forked.audit.flatMap((e, i) => (e.interviewId === forked.interviews[0]!.id ? [i] : []));
    const resealed = await sealEvents(indexes.map((i) => { const { prevHash: _p, hash: _h, ...d } = forked.audit[i]!; return d; }), '');
    indexes.forEach((i, k) => (forked.audit[i] = resealed[k]!));
    writeFileSync(join(dir, 'forked.json'), JSON.stringify(forked));
    const member = { name: 'anna', password: 'annas-lösen-1' };
    const fork = await cli(['sync', 'push', couch.dbUrl(db2, member), join(dir, 'forked.json')]);
    expect(fork.code).toBe(1);
    expect(fork.stderr).toContain(`Audit event 1 of interview ${forked.interviews[0]!.id} is already on the server with other content`);

    const wrong = await cli(['sync', 'push', couch.dbUrl(db2, { name: 'anna', password: 'fel' }), join(dir, 'sim.json')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/answered 401.*check the user name and password/);
    const gone = await cli(['sync', 'pull', 'http://anna:x@127.0.0.1:9/nothing-here']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('the server cannot be reached');
    expect(gone.stderr).not.toContain('anna:x');
    expect((await couch.request('GET', `/${db2}/_all_docs?limit=0`)).body.total_rows).toBe(before);
  }, 120_000);
});

describe('sync of an end-to-end encrypted unit', () => {
  const db3 = `${DB}-sealed`;
  let passFile: string;
  let wrongFile: string;
  it('sets up a unit key, pushes sealed documents the server cannot read, and pulls back the same records', async () => {
    passFile = join(dir, 'unit-pass.txt');
    wrongFile = join(dir, 'wrong-pass.txt');
    writeFileSync(passFile, 'enhetens-lösenfras-2026\n');
    writeFileSync(wrongFile, 'inte-rätt-lösenfras\n');
    // A canary in every kind of free text: a client code, an interviewer, a reason on an audit event.
    const canary = structuredClone(bundle);
    canary.clients[0]!.code = 'KANARIE-KOD';
    canary.interviews[0]!.interviewer = 'KANARIE-INTERVJUARE';
    canary.audit.filter((e) => e.interviewId === canary.interviews[0]!.id).forEach((e) => (e.actor = 'KANARIE-INTERVJUARE'));
    const { sealEvents } = await import('../../src/core/storage/audit-chain.js');
    const indexes = canary.audit.flatMap((e, i) => (e.interviewId === canary.interviews[0]!.id ? [i] : []));
    const resealed = await sealEvents(indexes.map((i) => { const { prevHash: _p, hash: _h, ...d } = canary.audit[i]!; return d; }), '');
    indexes.forEach((i, k) => (canary.audit[i] = resealed[k]!));
    writeFileSync(join(dir, 'canary.json'), JSON.stringify(canary));

    const setup = await cli(['sync', 'setup', couch.dbUrl(db3), '--passphrase-file', passFile]);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stderr).toMatch(/records end-to-end encrypted, unit key [0-9a-f-]{36}/);
    const keyDoc = (await couch.request('GET', `/${db3}/unit:key`)).body;
    expect(keyDoc.header.slots).toHaveLength(1);
    // Setting up again with the same passphrase keeps the key; with another passphrase it is refused.
    expect((await cli(['sync', 'setup', couch.dbUrl(db3), '--passphrase-file', passFile])).stderr).toContain('ready');
    const otherSetup = await cli(['sync', 'setup', couch.dbUrl(db3), '--passphrase-file', wrongFile]);
    expect(otherSetup.code).toBe(1);
    expect((await couch.request('GET', `/${db3}/unit:key`)).body._rev).toBe(keyDoc._rev);

    const member = await couch.member(db3, 'anna', 'annas-lösen-1');
    const without = await cli(['sync', 'push', couch.dbUrl(db3, member), join(dir, 'canary.json')]);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('give the unit passphrase (--passphrase-file)');
    const wrong = await cli(['sync', 'push', couch.dbUrl(db3, member), '--passphrase-file', wrongFile, join(dir, 'canary.json')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/passphrase/i);
    expect(await docCountOf(db3)).toBe(2); // the design document and the unit key only

    const pushed = await cli(['sync', 'push', couch.dbUrl(db3, member), '--passphrase-file', passFile, join(dir, 'canary.json')]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const raw = JSON.stringify((await couch.request('GET', `/${db3}/_all_docs?include_docs=true`)).body.rows.map((r: { doc: unknown }) => r.doc));
    for (const text of ['KANARIE', 'SIM-0001', 'INT-07', '"value"', '"birthYear"', '"actor"', '"sex"']) expect(raw.includes(text), `${text} on the server`).toBe(false);

    // The server itself refuses a plaintext document in an encrypted unit.
    const plain = await couch.request('PUT', `/${db3}/client:c-plain`, { format: 1, type: 'client', author: 'anna', client: { id: 'c-plain', code: 'KLARTEXT' } }, member);
    expect(plain.status).toBe(403);
    expect(plain.body.reason).toContain('this unit accepts only encrypted records');

    const noKey = await cli(['sync', 'pull', couch.dbUrl(db3, member)]);
    expect(noKey.code).toBe(1);
    const pulled = await cli(['sync', 'pull', couch.dbUrl(db3, member), '--passphrase-file', passFile]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const back = JSON.parse(pulled.stdout) as Bundle;
    expect(back.clients.find((c) => c.code === 'KANARIE-KOD')).toBeDefined();
    expect(back.audit).toHaveLength(canary.audit.length);
    const sorted = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort();
    expect(sorted(back.answers)).toEqual(sorted(canary.answers));
    expect(sorted(back.scores)).toEqual(sorted(canary.scores));
    expect(sorted(back.interviews)).toEqual(sorted(canary.interviews));

    const again = await cli(['sync', 'push', couch.dbUrl(db3, member), '--passphrase-file', passFile, join(dir, 'canary.json')]);
    expect(again.stderr).toMatch(/^.*: 0 document\(s\) written/m);
  }, 240_000);
});

async function docCountOf(db: string): Promise<number> {
  return (await couch.request('GET', `/${db}/_all_docs?limit=0`)).body.total_rows as number;
}
