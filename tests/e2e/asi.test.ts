// End to end with ASI: Grund then Uppföljning for one client in the app, keyboard only; profile at the end of each,
// and the follow-up's "since" questions dated from the Grund.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDefinition, loadInstrument, type CompiledInstrument } from '../../src/core/definition/index.js';
import { answerCurrent, complete, position, startHarness, tabTo, type Harness } from './app-harness.js';

let harness: Harness;
let asi: CompiledInstrument;

beforeAll(async () => {
  harness = await startHarness();
  asi = loadInstrument(await builtinDefinition('asi'));
});

afterAll(async () => {
  await harness?.close();
});

/** What an interviewer would type for an item: a valid, unremarkable answer of its kind. */
function typical(date: string) {
  return (id: string): string => {
    const item = asi.item(id)!;
    if (id === 'G12') return 'n'; // N = the interview was completed
    switch (item.def.kind) {
      case 'date':
        return date;
      case 'time':
        return '1000';
      case 'text':
        return 'abc';
      case 'days':
        return '2';
      case 'count':
        return '1';
      case 'money':
        return '1000';
      case 'yesno':
        return '1';
      case 'duration':
        return '2';
      default:
        return String(item.options![Math.min(1, item.options!.length - 1)]!.value);
    }
  };
}

describe('ASI in the clinician app', () => {
  it('completes a Grund and an Uppföljning for one client with the keyboard alone', async () => {
    const page = await harness.browser.newPage();
    await page.goto(harness.baseUrl);
    await tabTo(page, (f) => f === 'input[name=code]');
    await page.keyboard.type('ASI-01');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/client\/[^/]+$/);
    const clientUrl = page.url();

    // Grund: choose ASI (second instrument), first round.
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('select[name=instrument] option[value=asi]'));
    await tabTo(page, (f) => f.startsWith('select[name=instrument]'));
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('select[name=round] option[value=grund]'));
    await tabTo(page, (f) => f.startsWith('button:Starta'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/interview\//);
    let grundItems = 0;
    while ((await position(page)) !== null || grundItems === 0) {
      await answerCurrent(page, typical('20260314'));
      grundItems++;
    }
    await complete(page, /Slutför/);
    const grundProfile = await page.waitForFunction(() => {
      const rows = document.querySelector('asi-interview')?.shadowRoot?.querySelector('asi-profile')?.shadowRoot?.querySelectorAll('tbody tr');
      return rows && rows.length === 7 ? [...rows].map((r) => r.textContent!.replace(/\s+/g, ' ').trim()) : null;
    });
    const rows = (await grundProfile.jsonValue()) as string[];
    // MED = M6/90 + M7/12 + M8/12 with 2 days and both ratings 1.
    expect(rows[0]).toContain((2 / 90 + 1 / 12 + 1 / 12).toFixed(3));
    expect(rows.join(' ')).not.toContain('kan inte beräknas');
    expect(grundItems).toBeGreaterThan(200);

    // Uppföljning: back to the client, ASI, third round.
    await page.goto(clientUrl);
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.textContent?.includes('Slutförd'));
    await tabTo(page, (f) => f.startsWith('select[name=instrument]'));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, (f) => f.startsWith('button:Starta'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/interview\//);
    let sawSince = false;
    let followItems = 0;
    while ((await position(page)) !== null || followItems === 0) {
      if ((await position(page)) === 'M1') {
        const label = await page.evaluate(
          () => document.querySelector('asi-interview')!.shadowRoot!.querySelector('[data-control]')!.shadowRoot!.querySelector('label')!.textContent,
        );
        expect(label).toContain('sedan 14 mars 2026');
        sawSince = true;
      }
      await answerCurrent(page, typical('20260914'));
      followItems++;
    }
    expect(sawSince).toBe(true);
    expect(followItems).toBeLessThan(grundItems);
    await complete(page, /Slutför/);
    await page.waitForFunction(
      () => document.querySelector('asi-interview')?.shadowRoot?.querySelector('asi-profile')?.shadowRoot?.querySelectorAll('tbody tr').length === 7,
    );

    // The client's timeline offers the comparison of the two rounds.
    await page.goto(clientUrl);
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.textContent?.includes('Jämför omgångarna'));
    await tabTo(page, (f) => f.startsWith('button:Jämför'), 80);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/compare\//);
    const comparison = await page.waitForFunction(() => {
      const rows = document.querySelector('asi-comparison')?.shadowRoot?.querySelectorAll('table:first-of-type tbody tr');
      return rows && rows.length >= 14 ? [...rows].map((r) => r.textContent!.replace(/\s+/g, ' ').trim()) : null;
    });
    const table = (await comparison.jsonValue()) as string[];
    // Same typical answers in both rounds: MED unchanged (difference 0).
    expect(table[0]).toContain('oförändrat');
    await page.close();
  }, 300_000);
});
