// Consent-scoped sharing in Node's WebCrypto: consents, exactly-scoped packages, sealing for a recipient, and refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../src/core/protection/bytes.js';
import { MIN_ITERATIONS, ProtectionError } from '../../src/core/protection/index.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { AnswerRecord, AuditEvent, InterviewRecord, ScoreRecord, StoreRecords } from '../../src/core/storage/types.js';
import {
  SharingError,
  buildSharePackage,
  checkSharePackage,
  consentStatus,
  createConsent,
  exportPrivateKey,
  exportPublicKeyFile,
  formatFingerprint,
  generateOneTimePassphrase,
  generateSharingKeyPair,
  importPrivateKey,
  openSharePackage,
  readPublicKeyFile,
  receivedRecords,
  sealForRecipient,
  sealWithPassphrase,
  sharedOrigin,
  withdrawConsent,
  type ConsentDraft,
  type ConsentRecord,
  type PublicKeyFile,
  type SealedShare,
  type SharePackage,
} from '../../src/core/sharing/index.js';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: unit A (the sender) holds two clients with AUDIT, DUDIT and ASI interviews over several rounds.

const UNIT_A = { id: 'beroende-a', name: 'Beroendemottagningen A' };
const UNIT_B = { id: 'soc-b', name: 'Socialtjänsten B' };
const UNIT_C = { id: 'unit-c', name: 'Enhet C' };

/** Strings put wherever the package must never reach; none may appear in any package or envelope. */
const CANARIES = {
  interviewer: 'CANARY-INTERVIEWER',
  snapshot: 'CANARY-SNAPSHOT',
  position: 'CANARYPOSITION',
  reason: 'CANARY-REASON',
  actor: 'CANARY-ACTOR',
  auditReason: 'CANARY-AUDIT-REASON',
  otherClient: 'CANARY-OTHER-CLIENT',
  outOfScope: 'CANARY-OUT-OF-SCOPE',
  inProgress: 'CANARY-IN-PROGRESS',
  consentNote: 'CANARY-CONSENT-NOTE',
  recorder: 'CANARY-RECORDER',
};
/** Only in scoped answers: present in an 'answers' package, absent from a 'results' one. */
const SCOPED_TEXT = 'SCOPED-FREE-TEXT';

const HASH = 'a'.repeat(64);

function interview(id: string, clientId: string, instrumentId: string, round: string, status: InterviewRecord['status'], startedAt: string): InterviewRecord {
  return {
    id,
    clientId,
    instrumentId,
    instrumentVersion: '1.0.0',
    round,
    status,
    mode: 'interviewer',
    interviewer: CANARIES.interviewer,
    startedAt,
    updatedAt: startedAt,
    ...(status === 'completed' ? { completedAt: startedAt.replace('T09', 'T10') } : {}),
    ...(status === 'terminated' ? { terminatedAt: startedAt, terminationReason: CANARIES.reason } : {}),
    position: CANARIES.position,
    snapshot: { value: 'ASI', context: { note: CANARIES.snapshot } },
  };
}

const answer = (interviewId: string, itemId: string, value: number | string): AnswerRecord => ({ interviewId, itemId, value, source: 'entered', updatedAt: '2026-09-01T09:30:00.000+02:00' });

const score = (interviewId: string, scoreId: string, value: number, instrument: string, inputs: Record<string, number | string | null>): ScoreRecord => ({
  interviewId,
  scoreId,
  value,
  provenance: { algorithm: { id: `${instrument}-sum`, version: '1' }, instrument: { id: instrument, version: '1.0.0' }, inputs, missing: [] },
  computedAt: '2026-09-01T10:00:00.000+02:00',
});

const event = (interviewId: string, itemId: string, value: number | string): AuditEvent => ({
  interviewId,
  type: 'answer',
  itemId,
  old: null,
  new: value,
  at: '2026-09-01T09:30:00.000+02:00',
  actor: CANARIES.actor,
  reason: CANARIES.auditReason,
  prevHash: '',
  hash: HASH,
});

function unitARecords(): StoreRecords {
  const interviews = [
    interview('audit-1', 'anna', 'audit', 'screening', 'completed', '2026-09-01T09:00:00.000+02:00'),
    interview('audit-2', 'anna', 'audit', 'screening', 'completed', '2026-12-05T09:00:00.000+01:00'),
    interview('audit-3', 'anna', 'audit', 'screening', 'in-progress', '2026-12-08T09:00:00.000+01:00'),
    interview('dudit-1', 'anna', 'dudit', 'screening', 'completed', '2026-09-01T09:15:00.000+02:00'),
    interview('asi-1', 'anna', 'asi', 'grund', 'completed', '2026-09-02T09:00:00.000+02:00'),
    interview('asi-2', 'anna', 'asi', 'uppfoljning', 'completed', '2026-12-02T09:00:00.000+01:00'),
    interview('asi-3', 'anna', 'asi', 'grund', 'terminated', '2026-08-01T09:00:00.000+02:00'),
    interview('audit-bo', 'bo', 'audit', 'screening', 'completed', '2026-10-01T09:00:00.000+02:00'),
  ];
  const answers: AnswerRecord[] = [];
  const scores: ScoreRecord[] = [];
  const audit: AuditEvent[] = [];
  for (const i of interviews) {
    if (i.instrumentId === 'audit') {
      for (let n = 1; n <= 10; n++) answers.push(answer(i.id, `AUDIT${n}`, n % 3));
      scores.push(score(i.id, 'AUDIT', 10, 'audit', { AUDIT1: 1, AUDIT2: 2 }), score(i.id, 'AUDIT_C', 3, 'audit', { AUDIT1: 1 }));
    } else if (i.instrumentId === 'dudit') {
      for (let n = 1; n <= 11; n++) answers.push(answer(i.id, `DUDIT${n}`, n % 2));
      scores.push(score(i.id, 'DUDIT', 6, 'dudit', { DUDIT1: 1 }));
    } else {
      answers.push(answer(i.id, 'M1', 2), answer(i.id, 'G12', 1));
      scores.push(score(i.id, 'MED', 0.41, 'asi', { M1: 2 }));
    }
    audit.push(event(i.id, i.instrumentId === 'asi' ? 'M1' : `${i.instrumentId.toUpperCase()}1`, 1));
  }
  // Canaries in answers that must never be shared: another client's, an unfinished interview's, an out-of-scope round's.
  answers.push(answer('audit-bo', 'NOTE', CANARIES.otherClient), answer('audit-3', 'NOTE', CANARIES.inProgress), answer('asi-2', 'NOTE', CANARIES.outOfScope));
  answers.push(answer('asi-3', 'NOTE', CANARIES.outOfScope), answer('asi-1', 'M26', SCOPED_TEXT), answer('audit-1', 'NOTE', SCOPED_TEXT));
  return {
    clients: [
      { id: 'anna', code: 'K-0001', sex: 'female', birthYear: 1984, createdAt: '2026-08-01T09:00:00.000+02:00', updatedAt: '2026-08-01T09:00:00.000+02:00' },
      { id: 'bo', code: CANARIES.otherClient, sex: 'male', birthYear: 1990, createdAt: '2026-08-01T09:00:00.000+02:00', updatedAt: '2026-08-01T09:00:00.000+02:00' },
    ],
    interviews,
    answers,
    audit,
    scores,
  };
}

const AT = '2026-12-10T10:00:00.000+01:00';

const draft = (overrides: Partial<ConsentDraft> = {}): ConsentDraft => ({
  clientId: 'anna',
  organisation: UNIT_B,
  scope: { instruments: ['audit', 'dudit'], rounds: ['screening'], content: 'results' },
  validFrom: '2026-12-01T00:00:00+01:00',
  validUntil: '2027-06-30T23:59:59+02:00',
  givenHow: 'written',
  recordedBy: CANARIES.recorder,
  recordedAt: '2026-12-01T09:00:00+01:00',
  note: CANARIES.consentNote,
  ...overrides,
});

const resultsConsent = () => createConsent(draft());
const answersConsent = () => createConsent(draft({ scope: { instruments: ['asi'], rounds: ['grund'], content: 'answers' } }));

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but it returned');
}

async function rejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}

/** A clean ProtectionError of the code: never a bare DOMException or TypeError. */
async function protectionError(promise: Promise<unknown>, code: ProtectionError['code']): Promise<string> {
  const error = await rejected(promise);
  expect(error).toBeInstanceOf(ProtectionError);
  expect((error as ProtectionError).code).toBe(code);
  return error.message;
}

const pathsOf = (error: Error) => (error as SharingError).problems.map((p) => p.path);
const noCanary = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const canary of Object.values(CANARIES)) expect(text, canary).not.toContain(canary);
};

// ---------------------------------------------------------------------------------------------------------------

describe('consent records', () => {
  it('creates a consent with an id and the time of recording', () => {
    const { recordedAt: _, ...rest } = draft();
    const consent = createConsent(rest, { now: new Date('2026-12-01T08:00:00Z') });
    expect(consent.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(consent.recordedAt)).toBe(Date.parse('2026-12-01T08:00:00Z'));
    expect(consent.withdrawal).toBeUndefined();
    expect(createConsent(draft({ id: 'consent-7' })).id).toBe('consent-7');
  });

  it('names every field that is wrong, all at once', () => {
    const error = thrown(() =>
      createConsent(
        draft({
          organisation: { id: 'has:colon', name: ' ' },
          scope: { instruments: [], rounds: ['screening', 'screening'], content: 'everything' as 'results' },
          validFrom: '2026-12-01',
          givenHow: 'telepathy' as 'written',
        }),
      ),
    );
    expect(error).toBeInstanceOf(SharingError);
    expect((error as SharingError).code).toBe('invalid');
    expect(pathsOf(error)).toEqual(
      expect.arrayContaining(['organisation.id', 'organisation.name', 'scope.instruments', 'scope.rounds', 'scope.content', 'validFrom', 'givenHow']),
    );
    expect(error.message).toMatch(/^The consent was not accepted:/);
    expect(error.message).toContain('validFrom: Expected a date and time with a UTC offset');
    expect(error.message).toContain('scope.instruments: Name at least one instrument');
  });

  it('refuses a period that ends before it begins, a missing field and an unknown one', () => {
    const backwards = thrown(() => createConsent(draft({ validUntil: '2026-11-30T00:00:00+01:00' })));
    expect((backwards as SharingError).problems).toEqual([{ path: 'validUntil', message: 'Must be after validFrom (2026-12-01T00:00:00+01:00)' }]);
    const { clientId: _, ...noClient } = draft();
    expect((thrown(() => createConsent(noClient as ConsentDraft)) as SharingError).problems).toEqual([{ path: 'clientId', message: 'Missing (expected string)' }]);
    const extra = thrown(() => createConsent({ ...draft(), withdrawal: { at: AT, by: 'x', how: 'verbal' } } as ConsentDraft));
    expect(pathsOf(extra)).toEqual(['']);
    expect(extra.message).toContain('withdrawal');
  });

  it('tells its status over time, both ends inclusive', () => {
    const consent = resultsConsent();
    expect(consentStatus(consent, '2026-11-30T23:59:59+01:00')).toEqual({ status: 'not-yet', reason: 'The consent is valid only from 2026-12-01T00:00:00+01:00.' });
    expect(consentStatus(consent, '2026-12-01T00:00:00+01:00').status).toBe('valid');
    expect(consentStatus(consent, new Date('2027-03-01T12:00:00Z'))).toEqual({ status: 'valid', reason: 'The consent is valid until 2027-06-30T23:59:59+02:00.' });
    expect(consentStatus(consent, '2027-06-30T21:59:59Z').status).toBe('valid');
    expect(consentStatus(consent, '2027-06-30T22:00:00Z')).toEqual({ status: 'expired', reason: 'The consent expired at 2027-06-30T23:59:59+02:00.' });
    expect((thrown(() => consentStatus(consent, 'tomorrow')) as SharingError).code).toBe('invalid');
  });

  it('records a withdrawal as a new record, once, and counts it from its own time', () => {
    const consent = resultsConsent();
    const withdrawn = withdrawConsent(consent, { at: '2027-01-15T14:00:00+01:00', by: 'Handläggare', how: 'verbal', note: 'per telefon' });
    expect(consent.withdrawal).toBeUndefined();
    expect(withdrawn.withdrawal).toEqual({ at: '2027-01-15T14:00:00+01:00', by: 'Handläggare', how: 'verbal', note: 'per telefon' });
    expect(consentStatus(withdrawn, '2027-01-15T13:59:59+01:00').status).toBe('valid');
    expect(consentStatus(withdrawn, '2027-01-15T14:00:00+01:00')).toEqual({ status: 'withdrawn', reason: 'The consent was withdrawn at 2027-01-15T14:00:00+01:00 (verbal).' });
    // Withdrawal outranks expiry: the reason a person sees is the withdrawal.
    expect(consentStatus(withdrawn, '2028-01-01T00:00:00+01:00').status).toBe('withdrawn');

    const twice = thrown(() => withdrawConsent(withdrawn, { at: '2027-02-01T09:00:00+01:00', by: 'Någon annan', how: 'written' }));
    expect((twice as SharingError).code).toBe('withdrawn');
    expect(twice.message).toContain('already withdrawn at 2027-01-15T14:00:00+01:00');

    const early = thrown(() => withdrawConsent(consent, { at: '2026-11-01T09:00:00+01:00', by: 'x', how: 'written' }));
    expect(pathsOf(early)).toEqual(['withdrawal.at']);
    const bad = thrown(() => withdrawConsent(consent, { at: AT, by: '', how: 'shout' as 'verbal' }));
    expect(bad.message).toMatch(/^The withdrawal was not accepted:/);
    expect(pathsOf(bad)).toEqual(['by', 'how']);
  });
});

describe('share packages', () => {
  const records = unitARecords();

  it('holds exactly the completed interviews of the consent\'s instruments and rounds, results only', () => {
    const consent = resultsConsent();
    const pkg = buildSharePackage(records, consent, { sender: UNIT_A, at: AT, packageId: 'pkg-1' });
    expect(pkg).toMatchObject({ format: 'asi-interview/share', formatVersion: 1, id: 'pkg-1', createdAt: AT, sender: UNIT_A, recipient: UNIT_B });
    expect(pkg.consent).toEqual({ id: consent.id, scope: consent.scope, validFrom: consent.validFrom, validUntil: consent.validUntil, givenHow: 'written' });
    expect(pkg.client).toEqual({ code: 'K-0001', sex: 'female', birthYear: 1984 });
    // Oldest first; the in-progress AUDIT, the ASI rounds and the other client's AUDIT are not in it.
    expect(pkg.interviews.map((i) => i.id)).toEqual(['audit-1', 'dudit-1', 'audit-2']);
    expect(pkg.interviews.map((i) => i.scores.map((s) => `${s.scoreId}=${s.value}`))).toEqual([['AUDIT=10', 'AUDIT_C=3'], ['DUDIT=6'], ['AUDIT=10', 'AUDIT_C=3']]);
    for (const i of pkg.interviews) {
      expect(i.answers).toBeUndefined();
      for (const s of i.scores) expect(s.inputs).toBeUndefined();
      expect(Object.keys(i).sort()).toEqual(['completedAt', 'id', 'instrumentId', 'instrumentVersion', 'mode', 'round', 'scores', 'startedAt']);
    }
    expect(Object.keys(pkg).sort()).toEqual(['client', 'consent', 'createdAt', 'format', 'formatVersion', 'id', 'interviews', 'recipient', 'sender']);
    noCanary(pkg);
    expect(JSON.stringify(pkg)).not.toContain(SCOPED_TEXT);
    expect(JSON.stringify(pkg)).not.toContain('"anna"');
    expect(checkSharePackage(pkg)).toEqual({ ok: true, package: pkg });
  });

  it('carries the answers, and the scores\' inputs, only when the consent covers answers', () => {
    const pkg = buildSharePackage(records, answersConsent(), { sender: UNIT_A, at: AT });
    expect(pkg.interviews.map((i) => i.id)).toEqual(['asi-1']);
    const [asi] = pkg.interviews;
    expect(asi!.answers).toEqual([
      { itemId: 'G12', value: 1, source: 'entered' },
      { itemId: 'M1', value: 2, source: 'entered' },
      { itemId: 'M26', value: SCOPED_TEXT, source: 'entered' },
    ]);
    expect(asi!.scores).toEqual([
      { scoreId: 'MED', value: 0.41, computedAt: '2026-09-01T10:00:00.000+02:00', algorithm: { id: 'asi-sum', version: '1' }, instrument: { id: 'asi', version: '1.0.0' }, missing: [], inputs: { M1: 2 } },
    ]);
    noCanary(pkg);
  });

  it('refuses a withdrawn consent whatever the time given, and one not valid at that time', () => {
    const consent = resultsConsent();
    const withdrawn = withdrawConsent(consent, { at: '2027-01-15T14:00:00+01:00', by: 'Handläggare', how: 'written' });
    for (const at of [AT, '2027-02-01T09:00:00+01:00']) {
      const error = thrown(() => buildSharePackage(records, withdrawn, { sender: UNIT_A, at }));
      expect((error as SharingError).code).toBe('withdrawn');
      expect(error.message).toContain('was withdrawn at 2027-01-15T14:00:00+01:00: nothing can be shared under it');
    }
    const early = thrown(() => buildSharePackage(records, consent, { sender: UNIT_A, at: '2026-11-20T09:00:00+01:00' }));
    expect((early as SharingError).code).toBe('not-yet');
    const late = thrown(() => buildSharePackage(records, consent, { sender: UNIT_A, at: new Date('2027-07-01T00:00:00Z') }));
    expect((late as SharingError).code).toBe('expired');
    expect(late.message).toContain('The consent expired at 2027-06-30T23:59:59+02:00.');
  });

  it('refuses a consent of another client, one that covers nothing, and sharing with oneself', () => {
    const consent = resultsConsent();
    const wrongClient = thrown(() => buildSharePackage(records, consent, { sender: UNIT_A, at: AT, clientId: 'bo' }));
    expect((wrongClient as SharingError).code).toBe('other-client');
    expect(wrongClient.message).toBe(`Consent ${consent.id} is client anna's, not client bo's`);
    const absent = thrown(() => buildSharePackage(records, createConsent(draft({ clientId: 'nobody' })), { sender: UNIT_A, at: AT }));
    expect((absent as SharingError).code).toBe('other-client');
    const nothing = thrown(() =>
      buildSharePackage(records, createConsent(draft({ scope: { instruments: ['asi'], rounds: ['lite'], content: 'answers' } })), { sender: UNIT_A, at: AT }),
    );
    expect((nothing as SharingError).code).toBe('nothing-in-scope');
    expect(nothing.message).toContain('Client K-0001 has no completed interview of asi in round lite');
    const self = thrown(() => buildSharePackage(records, consent, { sender: UNIT_B, at: AT }));
    expect((self as SharingError).code).toBe('invalid');
    const damaged = thrown(() => buildSharePackage(records, { ...consent, validUntil: 'soon' }, { sender: UNIT_A, at: AT }));
    expect(pathsOf(damaged)).toEqual(['validUntil']);
  });

  it('checks hostile and malformed packages with paths', () => {
    const pkg = buildSharePackage(records, resultsConsent(), { sender: UNIT_A, at: AT });
    const problems = (doc: unknown) => {
      const result = checkSharePackage(doc);
      expect(result.ok).toBe(false);
      return result.ok ? [] : result.problems;
    };
    expect(problems(null)).toEqual([{ path: 'format', message: 'This is not a share package (expected "format": "asi-interview/share")' }]);
    expect(problems([pkg])[0]!.path).toBe('format');
    expect(problems({ ...pkg, formatVersion: 2 })[0]!.message).toContain('format version 2; this version of the app reads version 1');
    expect(problems(JSON.parse(JSON.stringify(pkg).replace('"client":{', '"client":{"__proto__":{"polluted":true},')))).toEqual([
      { path: 'client.__proto__', message: 'Key "__proto__" is not allowed' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const clone = () => JSON.parse(JSON.stringify(pkg)) as SharePackage & Record<string, unknown>;
    const withAnswers = clone();
    withAnswers.interviews[0]!.answers = [{ itemId: 'AUDIT1', value: 1, source: 'entered' }];
    expect(problems(withAnswers)).toEqual([{ path: 'interviews[0].answers', message: 'The consent covers results only: answers are outside its scope' }]);
    const outside = clone();
    outside.interviews[1]!.instrumentId = 'asi';
    outside.interviews[1]!.round = 'grund';
    expect(problems(outside).map((p) => p.path)).toEqual(['interviews[1].instrumentId', 'interviews[1].round']);
    const inputs = clone();
    inputs.interviews[0]!.scores[0]!.inputs = { AUDIT1: 1 };
    expect(problems(inputs).map((p) => p.path)).toEqual(['interviews[0].scores[0].inputs']);
    const extra = clone();
    (extra.interviews[0]!.scores[0] as unknown as Record<string, unknown>).provenance = {};
    (extra.interviews[0] as unknown as Record<string, unknown>).interviewer = 'x';
    expect(problems(extra).map((p) => p.path).sort()).toEqual(['interviews[0]', 'interviews[0].scores[0]']);
    const polluting = clone();
    polluting.interviews[0]!.scores[0]!.inputs = JSON.parse('{"__proto__":{"polluted":true}}');
    expect(problems(polluting).map((p) => p.path)).toEqual(['interviews[0].scores[0].inputs.__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const many = clone();
    many.interviews = Array.from({ length: 2_001 }, (_, i) => ({ ...pkg.interviews[0]!, id: `i${i}` }));
    expect(problems(many)).toEqual([{ path: 'interviews', message: 'At most 2,000 interviews' }]);
    const huge = clone();
    huge.client.code = 'x'.repeat(1_000);
    expect(problems(huge).map((p) => p.path)).toEqual(['client.code']);
    const late = clone();
    late.createdAt = '2027-08-01T00:00:00+02:00';
    expect(problems(late)).toEqual([{ path: 'createdAt', message: expect.stringContaining("outside the consent's period") }]);
    const twice = clone();
    twice.interviews[1]!.id = twice.interviews[0]!.id;
    expect(problems(twice).map((p) => p.path)).toEqual(['interviews[1].id']);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(problems({ ...clone(), client: deep })[0]!.message).toContain('Nested too deeply');
    const empty = clone();
    empty.interviews = [];
    expect(problems(empty)).toEqual([{ path: 'interviews', message: 'A package holds at least one interview' }]);
  });

  it('gives the recipient read-only records in the sender\'s namespace, which import beside its own', async () => {
    const pkg = buildSharePackage(records, answersConsent(), { sender: UNIT_A, at: AT, packageId: 'pkg-2' });
    const received = receivedRecords(pkg);
    const sharedFrom = { organisation: UNIT_A, packageId: 'pkg-2', consentId: pkg.consent.id, content: 'answers', validUntil: pkg.consent.validUntil, sharedAt: AT };
    expect(received.clients).toEqual([
      { id: 'share:beroende-a:client:K-0001', code: 'K-0001', sex: 'female', birthYear: 1984, createdAt: AT, updatedAt: AT, sharedFrom },
    ]);
    expect(received.interviews).toEqual([
      {
        id: 'share:beroende-a:asi-1',
        clientId: 'share:beroende-a:client:K-0001',
        instrumentId: 'asi',
        instrumentVersion: '1.0.0',
        round: 'grund',
        status: 'completed',
        mode: 'interviewer',
        startedAt: '2026-09-02T09:00:00.000+02:00',
        updatedAt: '2026-09-02T10:00:00.000+02:00',
        completedAt: '2026-09-02T10:00:00.000+02:00',
        sharedFrom,
      },
    ]);
    expect(received.answers.map((a) => [a.interviewId, a.itemId])).toEqual([
      ['share:beroende-a:asi-1', 'G12'],
      ['share:beroende-a:asi-1', 'M1'],
      ['share:beroende-a:asi-1', 'M26'],
    ]);
    expect(received.scores).toHaveLength(1);
    expect(received.audit).toEqual([]);
    expect(sharedOrigin(received.interviews[0]!.id)).toBe('beroende-a');
    expect(sharedOrigin('4f1c0d2e-0000-4000-8000-000000000000')).toBeUndefined();

    // Unit B has a client and an interview of its own with the same ids as unit A's: no clash.
    const store = createMemoryStore();
    await store.putClient({ id: 'anna', code: 'B-17', sex: 'female', createdAt: AT, updatedAt: AT });
    await store.createInterview({ ...interview('asi-1', 'anna', 'asi', 'grund', 'completed', '2026-10-01T09:00:00.000+02:00') });
    await store.importRecords(received);
    const mine = receivedRecords(pkg, { clientId: 'anna' });
    expect(mine.clients).toEqual([]);
    expect(mine.interviews[0]!.clientId).toBe('anna');
    // A later package about the same interview updates it in 'replace' mode instead of adding a copy.
    await store.importRecords(mine, { mode: 'replace' });
    expect((await store.listInterviews({ clientId: 'anna' })).map((i) => i.id).sort()).toEqual(['asi-1', 'share:beroende-a:asi-1']);
    expect((thrown(() => receivedRecords(pkg, { clientId: 'share:x:y' })) as SharingError).code).toBe('invalid');
  });
});

describe('sealing for a recipient', () => {
  let b: { pair: CryptoKeyPair; file: PublicKeyFile; privateKey: CryptoKey };
  let c: { pair: CryptoKeyPair; file: PublicKeyFile };
  let pkg: SharePackage;
  let sealed: SealedShare;

  beforeAll(async () => {
    const pairB = await generateSharingKeyPair();
    const pairC = await generateSharingKeyPair();
    // B keeps its private key as a JWK (sealed at rest by its store) and opens it non-extractable.
    const privateKey = await importPrivateKey(JSON.parse(JSON.stringify(await exportPrivateKey(pairB.privateKey))));
    b = { pair: pairB, file: await exportPublicKeyFile(pairB.publicKey, UNIT_B), privateKey };
    c = { pair: pairC, file: await exportPublicKeyFile(pairC.publicKey, UNIT_C) };
    pkg = buildSharePackage(unitARecords(), resultsConsent(), { sender: UNIT_A, at: AT });
    sealed = await sealForRecipient(pkg, JSON.parse(JSON.stringify(b.file)));
  });

  it('writes a public key file with its RFC 7638 fingerprint, and reads it back checked', async () => {
    expect(b.file).toMatchObject({ format: 'asi-interview/public-key', formatVersion: 1, organisation: UNIT_B, jwk: { kty: 'EC', crv: 'P-256' } });
    expect(Object.keys(b.file.jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const { crv, kty, x, y } = b.file.jwk;
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`{"crv":"${crv}","kty":"${kty}","x":"${x}","y":"${y}"}`));
    expect(b.file.fingerprint).toBe(Buffer.from(digest).toString('hex'));
    expect(formatFingerprint(b.file.fingerprint)).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(await readPublicKeyFile(JSON.stringify(b.file))).toEqual(b.file);

    const changed = await protectionError(readPublicKeyFile({ ...b.file, jwk: c.file.jwk }), 'integrity');
    expect(changed).toContain("Socialtjänsten B's public key file was changed");
    // A point off the curve (the classic invalid-curve attack) is refused on import.
    const offCurve = { ...b.file, jwk: { ...b.file.jwk, y: b.file.jwk.x } };
    expect(await protectionError(readPublicKeyFile(offCurve), 'invalid')).toContain('is not a valid P-256 public key');
    expect(await protectionError(readPublicKeyFile({ ...b.file, format: 'pem' }), 'invalid')).toContain('not a public key file');
    expect(await protectionError(readPublicKeyFile('{'), 'invalid')).toContain('not valid JSON');
    const extra = await protectionError(readPublicKeyFile({ ...b.file, jwk: { ...b.file.jwk, d: 'secret' } }), 'invalid');
    expect(extra).toContain('jwk');
  });

  it('keeps the opened private key non-extractable', async () => {
    expect(b.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', b.privateKey)).rejects.toThrow();
    expect(await protectionError(exportPrivateKey(b.privateKey), 'invalid')).toContain('non-extractable');
    expect(await protectionError(importPrivateKey({ kty: 'EC', crv: 'P-256' }), 'invalid')).toContain('not a P-256 private key');
  });

  it('round-trips to the recipient unit, and shows nothing of the client in clear', async () => {
    expect(sealed).toMatchObject({ format: 'asi-interview/sealed-share', formatVersion: 1, method: 'public-key', recipientFingerprint: b.file.fingerprint, sender: UNIT_A });
    expect(fromBase64((sealed as { salt: string }).salt)).toHaveLength(32);
    expect(fromBase64(sealed.iv)).toHaveLength(12);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain('K-0001');
    expect(text).not.toContain('AUDIT');
    const opened = await openSharePackage(text, { privateKey: b.privateKey, publicKeyFile: b.file }, { at: AT });
    expect(opened).toEqual(pkg);
    // Two seals of the same package share no key material.
    const again = (await sealForRecipient(pkg, b.file)) as typeof sealed & { salt: string };
    expect(again.iv).not.toBe(sealed.iv);
    expect(again.salt).not.toBe((sealed as { salt: string }).salt);
  });

  it('refuses to seal for an organisation the consent does not name', async () => {
    const error = await rejected(sealForRecipient(pkg, c.file));
    expect(error).toBeInstanceOf(SharingError);
    expect((error as SharingError).code).toBe('wrong-recipient');
    expect(error.message).toContain('The consent allows sharing with Socialtjänsten B (soc-b) only');
  });

  it('fails cleanly with the wrong key, for another recipient, and after a changed byte', async () => {
    const wrongPrivate = await protectionError(openSharePackage(sealed, { privateKey: c.pair.privateKey, publicKeyFile: b.file }, { at: AT }), 'wrong-key');
    expect(wrongPrivate).toContain("The private key does not open the share package from Beroendemottagningen A: it is not the private key of Socialtjänsten B's public key");
    const otherRecipient = await protectionError(openSharePackage(sealed, { privateKey: c.pair.privateKey, publicKeyFile: c.file }, { at: AT }), 'wrong-key');
    expect(otherRecipient).toContain(`was sealed for another unit's key (fingerprint ${formatFingerprint(b.file.fingerprint)}), not for Enhet C's`);

    const data = fromBase64(sealed.data)!;
    data[Math.floor(data.length / 2)]! ^= 0x01;
    const flipped = await protectionError(openSharePackage({ ...sealed, data: toBase64(data) }, { privateKey: b.privateKey, publicKeyFile: b.file }, { at: AT }), 'integrity');
    expect(flipped).toBe('The share package from Beroendemottagningen A failed its integrity check: its data or its header was changed after it was sealed.');
    // The sender shown in clear is authenticated too.
    const renamed = { ...sealed, sender: { ...UNIT_A, name: 'Någon annan' } };
    await protectionError(openSharePackage(renamed, { privateKey: b.privateKey, publicKeyFile: b.file }, { at: AT }), 'integrity');
    expect(await protectionError(openSharePackage(sealed, { passphrase: 'abcd-efgh-jkmn-pqrs-tuvw-xyz2' }, { at: AT }), 'invalid')).toContain("open it with the unit's private key");
  });

  it('is refused by the recipient once the consent has ended', async () => {
    const error = await rejected(openSharePackage(sealed, { privateKey: b.privateKey, publicKeyFile: b.file }, { at: '2027-07-01T00:00:00+02:00' }));
    expect(error).toBeInstanceOf(SharingError);
    expect((error as SharingError).code).toBe('expired');
  });

  it('refuses hostile and malformed envelopes as invalid, with the field', async () => {
    const key = { privateKey: b.privateKey, publicKeyFile: b.file };
    const cases: [unknown, string][] = [
      ['not json', 'not valid JSON'],
      ['x'.repeat(70 * 1024 * 1024), 'too large'],
      [null, 'not a sealed share package'],
      [{ ...sealed, keyCheck: undefined }, 'keyCheck: Missing'],
      [{ ...sealed, format: 'asi-interview-bundle' }, 'not a sealed share package'],
      [{ ...sealed, formatVersion: 3 }, 'format version 3'],
      [{ ...sealed, method: 'rot13' }, 'method: Expected "public-key" or "passphrase"'],
      [{ ...sealed, iv: 'AAAA' }, 'iv: Expected 12 bytes in base64'],
      [{ ...sealed, data: '%%%%' }, 'data: Expected the sealed package in base64'],
      [{ ...sealed, ephemeralPublicKey: { ...(sealed as { ephemeralPublicKey: object }).ephemeralPublicKey, crv: 'P-384' } }, 'ephemeralPublicKey.crv'],
      [JSON.parse(JSON.stringify(sealed).replace('{', '{"__proto__":{"admin":true},')), '__proto__'],
      [{ ...sealed, ephemeralPublicKey: { ...(sealed as { ephemeralPublicKey: { x: string } }).ephemeralPublicKey, y: (sealed as { ephemeralPublicKey: { x: string } }).ephemeralPublicKey.x } }, 'not a valid P-256 public key'],
    ];
    for (const [envelope, message] of cases) expect(await protectionError(openSharePackage(envelope, key, { at: AT }), 'invalid')).toContain(message);
  });
});

describe('sealing with a one-time passphrase', () => {
  const pkg = buildSharePackage(unitARecords(), answersConsent(), { sender: UNIT_A, at: AT });
  const passphrase = generateOneTimePassphrase();
  let sealed: SealedShare;
  beforeAll(async () => {
    sealed = await sealWithPassphrase(pkg, passphrase);
  }, 30_000);

  it('generates 6 groups of 4 unambiguous characters from the CSPRNG (about 119 bits)', () => {
    expect(passphrase).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){5}$/);
    const many = new Set(Array.from({ length: 200 }, generateOneTimePassphrase));
    expect(many.size).toBe(200);
    expect(24 * Math.log2(31)).toBeGreaterThan(100);
  });

  it('derives with PBKDF2-SHA-256 at 600,000 iterations and a random 16-byte salt, and round-trips', async () => {
    expect(sealed).toMatchObject({ method: 'passphrase', sender: UNIT_A, kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: MIN_ITERATIONS } });
    expect(MIN_ITERATIONS).toBe(600_000);
    expect(fromBase64((sealed as { kdf: { salt: string } }).kdf.salt)).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain(SCOPED_TEXT);
    expect(await openSharePackage(JSON.stringify(sealed), { passphrase }, { at: AT })).toEqual(pkg);
    // Read over the phone and typed in capitals with spaces, it is the same passphrase.
    const spoken = passphrase.toUpperCase().replaceAll('-', ' ');
    expect(await openSharePackage(sealed, { passphrase: spoken }, { at: AT })).toEqual(pkg);
  }, 30_000);

  it('fails cleanly with a wrong passphrase and after a changed byte', async () => {
    const wrong = await protectionError(openSharePackage(sealed, { passphrase: generateOneTimePassphrase() }, { at: AT }), 'wrong-passphrase');
    expect(wrong).toBe('The passphrase is wrong: it does not open the share package from Beroendemottagningen A.');
    await protectionError(openSharePackage(sealed, { passphrase: 'kort' }, { at: AT }), 'wrong-passphrase');
    const data = fromBase64(sealed.data)!;
    data[0]! ^= 0x80;
    await protectionError(openSharePackage({ ...sealed, data: toBase64(data) }, { passphrase }, { at: AT }), 'integrity');
  }, 30_000);

  it('refuses a short passphrase, and envelopes that would derive too little or for ever', async () => {
    expect(await protectionError(sealWithPassphrase(pkg, 'lösen'), 'weak')).toContain('at least 10 characters');
    const kdf = (sealed as { kdf: object }).kdf;
    expect(await protectionError(openSharePackage({ ...sealed, kdf: { ...kdf, iterations: 1_000 } }, { passphrase }), 'invalid')).toContain('kdf.iterations: At least 600000');
    expect(await protectionError(openSharePackage({ ...sealed, kdf: { ...kdf, iterations: 1e12 } }, { passphrase }), 'invalid')).toContain('kdf.iterations: At most');
    expect(await protectionError(openSharePackage(sealed, { privateKey: {} as CryptoKey, publicKeyFile: {} as PublicKeyFile }), 'invalid')).toContain('sealed with a passphrase');
  });
});

describe('refused after withdrawal (the issue\'s "done when")', () => {
  it('a package from a consent reaches the second unit; after withdrawal no package can be made', async () => {
    const records = unitARecords();
    const consent: ConsentRecord = resultsConsent();
    const pair = await generateSharingKeyPair();
    const file = await exportPublicKeyFile(pair.publicKey, UNIT_B);
    const sealed = await sealForRecipient(buildSharePackage(records, consent, { sender: UNIT_A, at: AT }), file);
    const opened = await openSharePackage(sealed, { privateKey: pair.privateKey, publicKeyFile: file }, { at: '2026-12-11T08:00:00+01:00' });
    expect(receivedRecords(opened).interviews.map((i) => i.id)).toEqual(['share:beroende-a:audit-1', 'share:beroende-a:dudit-1', 'share:beroende-a:audit-2']);

    const withdrawn = withdrawConsent(consent, { at: '2026-12-12T09:00:00+01:00', by: 'Handläggare', how: 'digital' });
    const error = thrown(() => buildSharePackage(records, withdrawn, { sender: UNIT_A, at: '2026-12-12T10:00:00+01:00' }));
    expect(error).toBeInstanceOf(SharingError);
    expect((error as SharingError).code).toBe('withdrawn');
  });
});
