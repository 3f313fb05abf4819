// Durability in CI (reliability item 1, issue 9): 30 ASI answers, each followed by a SIGKILL of Chromium's process group and a relaunch.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { KillRun } from './kill-harness.js';

/** 30 keeps `npm test` within budget; `npm run test:kill` runs the full 200 (or set KILLS for a longer CI job). */
const KILLS = Number(process.env.KILLS ?? 30);

const runs: KillRun[] = [];
const newRun = () => (runs.push(new KillRun()), runs.at(-1)!);

afterAll(async () => {
  // Also after a failure or a timeout mid-run: no Chromium group, Vite server or temp profile is left behind.
  for (const run of runs) await run.dispose();
});

/** Damages what a relaunch found, as a bug would: one confirmed answer gone, one audit event written twice, the interview a step back. */
async function damage(page: Page, interviewId: string): Promise<void> {
  await page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const open = indexedDB.open('asi-interview');
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    const tx = db.transaction(['answers', 'audit'], 'readwrite');
    const done = new Promise((ok, fail) => ((tx.oncomplete = ok), (tx.onerror = fail)));
    const keys = await new Promise<IDBValidKey[]>((ok) => {
      const request = tx.objectStore('answers').getAllKeys(IDBKeyRange.bound([id, ''], [id, '\uffff']));
      request.onsuccess = () => ok(request.result);
    });
    tx.objectStore('answers').delete(keys[0]!);
    const cursor = tx.objectStore('audit').index('byInterview').openCursor(id, 'prev');
    cursor.onsuccess = () => {
      const { seq: _seq, ...last } = cursor.result!.value;
      tx.objectStore('audit').add(last);
    };
    await done;
    db.close();
  }, interviewId);
  await page.keyboard.press('PageUp');
}

describe('kill after every answer', () => {
  it(`loses nothing, duplicates nothing and resumes at the next item over ${KILLS} kills`, async () => {
    const result = await newRun().run({ kills: KILLS });
    expect(result.kills).toBe(KILLS);
    expect(result.entered).toBe(KILLS);
    // G19 and M1 come within the first 30 answers: their auto-filled items must be among what survives the kills.
    if (KILLS >= 20) expect(result.autofilled).toBeGreaterThanOrEqual(2);
    expect(result.lost).toEqual([]);
    expect(result.duplicates).toEqual([]);
    expect(result.resumeMismatches).toEqual([]);
    expect(result.brokenChains).toEqual([]);
    expect(result.restoredPages).toEqual([]);
  }, 300_000);

  it('notices a lost answer, a duplicated audit event and a wrong resume position', async () => {
    const result = await newRun().run({ kills: 2, tamper: (page, interviewId, kill) => (kill === 2 ? damage(page, interviewId) : Promise.resolve()) });
    expect(result.lost).toHaveLength(1);
    expect(result.lost[0]).toMatch(/^kill 2: \S+ expected .+, found nothing$/);
    expect(result.duplicates).toEqual([expect.stringMatching(/^kill 2: 3 audit answer events for 2 confirmed changes, repeated: /)]);
    expect(result.resumeMismatches).toEqual([expect.stringMatching(/^kill 2: expected \S+ with 2 answered, resumed at /)]);
    expect(result.brokenChains).toEqual(['kill 2']);
  }, 120_000);
});
