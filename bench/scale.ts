// Scale figures: the group report and the round comparison over 1,000 clients × 3 rounds of ASI, in the browser.
import '../src/elements/define-evaluation.js';
import { builtinDefinition, loadInstrument } from '../src/core/definition/index.js';
import { compareInterviews } from '../src/core/scoring/change.js';
import { groupBy, groupReport, type GroupData } from '../src/core/scoring/group.js';
import { createMemoryStore } from '../src/core/storage/memory-store.js';
import type { ClientRecord, InterviewRecord, ScoreRecord } from '../src/core/storage/types.js';

export interface ScaleFigures {
  clients: number;
  rounds: number;
  groupReportMs: number;
  groupByAgeMs: number;
  groupReportRenderMs: number;
  compareAllClientsMs: number;
  comparisonRenderMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Deterministic pseudo-random scores in 0–1 that improve a little between rounds. */
function data(clients: number, rounds: readonly string[]): GroupData {
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const scoreIds = ['MED', 'EMP', 'ALC', 'DRUG', 'LEGAL', 'FAM', 'PSY'];
  const out: { clients: ClientRecord[]; interviews: InterviewRecord[]; scores: ScoreRecord[] } = { clients: [], interviews: [], scores: [] };
  for (let c = 0; c < clients; c++) {
    const clientId = `c${c}`;
    out.clients.push({ id: clientId, code: `SIM-${c}`, sex: rand() < 0.3 ? 'female' : 'male', birthYear: 1950 + Math.floor(rand() * 55), createdAt: '', updatedAt: '' });
    const base = scoreIds.map(() => rand() * 0.8);
    rounds.forEach((round, r) => {
      const id = `${clientId}-${r}`;
      const month = String(1 + r * 5).padStart(2, '0');
      out.interviews.push({ id, clientId, instrumentId: 'asi', instrumentVersion: '1.0.0', round, status: 'completed', mode: 'interviewer', startedAt: `2026-${month}-10T10:00:00+01:00`, updatedAt: '' });
      scoreIds.forEach((scoreId, s) => {
        const value = rand() < 0.03 ? null : Math.max(0, base[s]! - r * 0.05 + (rand() - 0.5) * 0.1);
        out.scores.push({ interviewId: id, scoreId, value, computedAt: '', provenance: { algorithm: { id: 'asi-composite', version: '1' }, instrument: { id: 'asi', version: '1.0.0' }, inputs: {}, missing: value === null ? ['X'] : [] } });
      });
    });
  }
  return out;
}

async function rendered(host: HTMLElement, element: HTMLElement, ready: () => boolean): Promise<number> {
  const t0 = performance.now();
  host.replaceChildren(element);
  while (!ready()) await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - t0;
}

export async function scaleFigures(host: HTMLElement, clients = 1000): Promise<ScaleFigures> {
  const instrument = loadInstrument(await builtinDefinition('asi'));
  const rounds = ['grund', 'uppfoljning', 'uppfoljning'];
  const records = data(clients, rounds);
  const times = (run: () => unknown, n = 7) => median(Array.from({ length: n }, () => ((t0) => (run(), performance.now() - t0))(performance.now())));
  const groupReportMs = times(() => groupReport(records, instrument));
  const groupByAgeMs = times(() => groupBy('age', records, instrument));

  const report = document.createElement('asi-group-report');
  Object.assign(report, { instrument, data: records, lang: 'sv' });
  const groupReportRenderMs = await rendered(host, report, () => !!report.shadowRoot?.querySelector('tbody tr'));

  const byClient = new Map<string, InterviewRecord[]>();
  for (const i of records.interviews) byClient.set(i.clientId, [...(byClient.get(i.clientId) ?? []), i]);
  const scoresOf = new Map<string, ScoreRecord[]>();
  for (const s of records.scores) scoresOf.set(s.interviewId, [...(scoresOf.get(s.interviewId) ?? []), s]);
  const t0 = performance.now();
  for (const interviews of byClient.values())
    compareInterviews(instrument, interviews.map((interview) => ({ interview, scores: scoresOf.get(interview.id) ?? [], answers: {} })));
  const compareAllClientsMs = performance.now() - t0;

  // One client's comparison in a store that holds all 1,000 clients (its default SD reads every first round).
  const store = createMemoryStore();
  for (const c of records.clients) await store.putClient(c);
  for (const i of records.interviews) await store.createInterview(i);
  for (const [id, scores] of scoresOf) await store.putScores(id, scores);
  const comparison = document.createElement('asi-comparison');
  Object.assign(comparison, { store, interviewIds: byClient.get('c0')!.map((i) => i.id), lang: 'sv' });
  const comparisonRenderMs = await rendered(host, comparison, () => !!comparison.shadowRoot?.querySelector('tbody tr'));
  host.replaceChildren();
  return { clients, rounds: rounds.length, groupReportMs, groupByAgeMs, groupReportRenderMs, compareAllClientsMs, comparisonRenderMs };
}
