// End to end: in the app a later route always wins, and a route left before its interview started leaves no record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, tabTo, waitForInterview, type Harness } from './app-harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ watch: false });
});

afterAll(async () => {
  await harness?.close();
});

/**
 * The interview records stored for a client, read straight from the app's database. The one place that knows how a
 * record is stored (it changes when records are encrypted at rest). Call it only after the app has opened the
 * database: an open without a version would otherwise create it empty.
 */
function storedInterviews(page: Page, clientId: string): Promise<{ id: string; instrumentId: string; round: string }[]> {
  return page.evaluate(async (clientId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('asi-interview');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const all = await new Promise<{ id: string; clientId: string; instrumentId: string; round: string }[]>((resolve, reject) => {
        const request = db.transaction('interviews').objectStore('interviews').getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      return all.filter((i) => i.clientId === clientId).map(({ id, instrumentId, round }) => ({ id, instrumentId, round }));
    } finally {
      db.close();
    }
  }, clientId);
}

/** Registers a client from the keyboard on the client list; `then` runs in the page the moment the app routes to it. */
async function registerClient(page: Page, code: string, then?: string): Promise<string> {
  await page.goto(harness.baseUrl);
  await page.waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.querySelector('input[name=code]'));
  if (then) {
    // Runs inside the app's own hashchange dispatch, right after route() began the client page and awaits its import.
    await page.evaluate((next) => {
      const onRoute = () => {
        const match = /^#\/client\/([^/]+)$/.exec(location.hash);
        if (!match) return;
        window.removeEventListener('hashchange', onRoute);
        location.hash = next.replaceAll('<id>', match[1]!);
      };
      window.addEventListener('hashchange', onRoute);
    }, then);
  }
  await tabTo(page, (f) => f === 'input[name=code]');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/(client|start)\//);
  const id = /#\/(?:client|start)\/([^/]+)/.exec(page.url())?.[1];
  if (!id) throw new Error(`no client id in ${page.url()}`);
  return id;
}

/** Waits until the evaluation elements are loaded: then every route that awaited them has resumed. */
async function evaluationLoaded(page: Page): Promise<void> {
  // Loaded here too: a stale route may have given up before it asked for them (it checks after every await), and one
  // that did ask resumes once they are in.
  // (A module script tag, since vitest would rewrite an import() inside page.evaluate; the page requires Trusted Types.)
  await page.evaluate((url) => {
    const policy = (window as unknown as { trustedTypes: { createPolicy(n: string, p: object): { createScriptURL(s: string): string } } }).trustedTypes.createPolicy('router-test', { createScriptURL: (s: string) => s });
    const script = document.createElement('script');
    script.type = 'module';
    script.src = policy.createScriptURL(url);
    document.head.append(script);
  }, `/@fs${process.cwd()}/src/elements/define-evaluation.ts`);
  await page.waitForFunction(() => customElements.get('asi-data-exchange') && customElements.get('asi-comparison'), undefined, { timeout: 30_000 });
  // One more turn of the event loop and a frame, so that anything resumed by that import has drawn.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

/** What the app's view shows: the elements directly in #view. */
function viewTags(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelector('#view')!.children].map((c) => c.tagName.toLowerCase()));
}

describe('app routing', () => {
  it('registering a client and at once opening its start route shows the interview, not the client page, with one record', async () => {
    const page = await harness.browser.newPage();
    const clientId = await registerClient(page, 'R-01', '#/start/<id>/asi/grund');
    await waitForInterview(page);
    // The element names its record in the URL once it exists, so that a reload resumes it.
    await page.waitForURL(/#\/client\/[^/]+\/interview\/[^/]+$/, { timeout: 30_000 });
    // The client page's route was still awaiting its import when the start route came: let it resume, then look.
    await evaluationLoaded(page);
    expect(await viewTags(page)).toEqual(['a', 'asi-interview']);
    const interviewId = /\/interview\/([^/]+)$/.exec(page.url())![1];
    const stored = await storedInterviews(page, clientId);
    expect(stored).toEqual([{ id: interviewId, instrumentId: 'asi', round: 'grund' }]);
    await page.close();
  });

  it('after rapid route changes the last one is shown, and the interview started and left on the way leaves no record', async () => {
    const page = await harness.browser.newPage();
    const clientId = await registerClient(page, 'R-02');
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('select[name=round] option'));
    // Four routes, each the moment the app has begun the one before (hashes set in one task would all be read as
    // the last): the report, a demo intake left at once for the client page, then ASI Grund.
    await page.evaluate(async (id) => {
      for (const hash of ['#/report', `#/start/${id}/demo/intake`, `#/client/${id}`, `#/start/${id}/asi/grund`]) {
        const routed = new Promise((resolve) => window.addEventListener('hashchange', resolve, { once: true }));
        location.hash = hash;
        await routed; // the app's own listener, registered first, has run route() up to its first await
      }
    }, clientId);
    await waitForInterview(page);
    await page.waitForURL(/#\/client\/[^/]+\/interview\/[^/]+$/, { timeout: 30_000 });
    await evaluationLoaded(page);
    expect(await viewTags(page)).toEqual(['a', 'asi-interview']);
    const round = await page.evaluate(() => {
      const el = document.querySelector('asi-interview')!;
      return { instrument: el.instrument, round: el.round };
    });
    expect(round).toEqual({ instrument: 'asi', round: 'grund' });
    // The demo intake element was removed before it could create its record (it loads less than ASI, so had it gone
    // on it would have written first); the ASI record is the only one.
    const interviewId = /\/interview\/([^/]+)$/.exec(page.url())![1];
    expect(await storedInterviews(page, clientId)).toEqual([{ id: interviewId, instrumentId: 'asi', round: 'grund' }]);
    await page.close();
  });
});
