// The clinician app: clients, rounds and interviews composed from the public elements, routed by the URL hash.
import '../elements/define.js';

/** Comparison, group report and exports are loaded when first needed (they are not part of an interview). */
const evaluation = () => import('../elements/define-evaluation.js');
import type { AsiInterview } from '../elements/interview/asi-interview.js';
import { STORAGE_VERSION_CHANGE } from '../elements/default-store.js';
import { startAppLock, type AppLock } from './protection.js';
import { acceptStore, checkBackup, checkLoss, continuityBanner } from './continuity.js';
import { errorMessage } from '../elements/i18n.js';

type Lang = 'sv' | 'en';
const LANG_KEY = 'asi-interview.lang'; // an interface preference, never clinical data

const TEXT = {
  clients: { sv: 'Klienter', en: 'Clients' },
  report: { sv: 'Grupprapport', en: 'Group report' },
  data: { sv: 'Export och säkerhetskopia', en: 'Export and backup' },
  back: { sv: '← Till klienten', en: '← Back to the client' },
  allClients: { sv: '← Alla klienter', en: '← All clients' },
  instrument: { sv: 'Formulär', en: 'Instrument' },
  persisted: { sv: 'Lagring: beständig', en: 'Storage: persistent' },
  notPersisted: {
    sv: 'Lagring: kan rensas av webbläsaren – exportera säkerhetskopior',
    en: 'Storage: may be cleared by the browser – export backups',
  },
  settings: { sv: 'Skydd och lösenfras', en: 'Protection and passphrase' },
  lockNow: { sv: 'Lås', en: 'Lock' },
  upgraded: { sv: 'Appen har uppdaterats i en annan flik – ladda om sidan', en: 'The app was updated in another tab — reload the page' },
  reload: { sv: 'Ladda om sidan', en: 'Reload the page' },
} as const;

let lang: Lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'sv';
const view = document.querySelector<HTMLElement>('#view')!;

function applyLanguage(): void {
  document.documentElement.lang = lang;
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = TEXT[el.dataset.i18n as keyof typeof TEXT][lang];
  for (const el of view.querySelectorAll<HTMLElement & { lang: string }>('asi-interview, asi-client-list, asi-client-rounds, asi-comparison, asi-group-report, asi-data-exchange, asi-protection')) el.lang = lang;
}

function link(href: string, text: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.className = 'back';
  a.textContent = text;
  return a;
}

function go(hash: string, replace = false): void {
  if (replace) history.replaceState(null, '', hash);
  else location.hash = hash;
  if (replace) route();
}

async function showClients(current: () => boolean): Promise<void> {
  const list = document.createElement('asi-client-list');
  list.lang = lang;
  list.addEventListener('asi-client-select', (e) => go(`#/client/${e.detail.clientId}`));
  list.addEventListener('asi-client-export', (e) => go(`#/data/${e.detail.clientIds.join(',')}`));
  const offer = await (await appLock).offer();
  if (!current()) return;
  view.replaceChildren(...(offer ? [offer] : []), list);
}

/**
 * Bumped by every route. A route that awaits (the evaluation elements load on demand) checks it before touching the
 * view, so that a slower earlier route never draws over a later one.
 */
let generation = 0;

async function showClient(clientId: string, current: () => boolean): Promise<void> {
  await evaluation();
  if (!current()) return;
  const exchange = document.createElement('asi-data-exchange');
  exchange.clientIds = [clientId];
  exchange.noImport = true;
  exchange.lang = lang;
  const rounds = document.createElement('asi-client-rounds');
  rounds.clientId = clientId;
  rounds.lang = lang;
  rounds.addEventListener('asi-round-start', (e) =>
    go(`#/start/${e.detail.clientId}/${e.detail.instrument}/${e.detail.round}${e.detail.mode === 'self' ? '/self' : ''}`),
  );
  rounds.addEventListener('asi-interview-open', (e) => go(`#/client/${clientId}/interview/${e.detail.interviewId}`));
  rounds.addEventListener('asi-compare', (e) => go(`#/client/${clientId}/compare/${e.detail.interviewIds.join(',')}`));
  view.replaceChildren(link('#/', TEXT.allClients[lang]), rounds, exchange);
}

function showInterview(element: AsiInterview, clientId: string, mode: string | undefined): void {
  element.lang = lang;
  // Client self-report: the URL keeps the mode, so a reload does not show the client the interviewer's view.
  if (mode === 'self') element.mode = 'self';
  const suffix = mode === 'self' ? '/self' : '';
  // Once the record exists, the URL names it, so a reload resumes this interview instead of starting another.
  element.addEventListener('asi-start', (e) => history.replaceState(null, '', `#/client/${clientId}/interview/${e.detail.interviewId}${suffix}`));
  view.replaceChildren(link(`#/client/${clientId}`, TEXT.back[lang]), element);
}

/** The instruments a group report can be made for: those whose definitions compute scores. */
const REPORTABLE = ['asi', 'audit', 'dudit', 'dok'] as const;

function reportPicker(current: string): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'picker';
  label.append(`${TEXT.instrument[lang]} `);
  const select = document.createElement('select');
  for (const id of REPORTABLE) select.add(new Option(id.toUpperCase(), id, false, id === current));
  select.addEventListener('change', () => go(`#/report/${select.value}`));
  label.append(select);
  return label;
}

async function route(): Promise<void> {
  const mine = ++generation;
  const current = () => mine === generation;
  const [, page, a, b, c, d] = location.hash.split('/');
  // Nothing is shown while the store is locked (or before the first-start offer is answered).
  let lock: AppLock;
  try {
    lock = await appLock;
  } catch (error) {
    // Local storage cannot be opened at all (e.g. another tab holds up an upgrade): say so instead of a blank page.
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = errorMessage(lang, error);
    return void view.replaceChildren(p);
  }
  if (!(await lock.admit())) return;
  await showContinuity(lock);
  if (!current()) return;
  if (!current()) return;
  if (page === 'settings') {
    const settings = document.createElement('asi-protection');
    settings.lang = lang;
    return void view.replaceChildren(settings);
  }
  if (page === 'client' && a && b === 'interview' && c) {
    const element = document.createElement('asi-interview');
    element.interviewId = c;
    return showInterview(element, a, d);
  }
  if (page === 'client' && a && b === 'compare' && c) {
    await evaluation();
    if (!current()) return;
    const comparison = document.createElement('asi-comparison');
    comparison.interviewIds = c.split(',');
    comparison.lang = lang;
    return void view.replaceChildren(link(`#/client/${a}`, TEXT.back[lang]), comparison);
  }
  if (page === 'client' && a) return void (await showClient(a, current));
  if (page === 'report') {
    await evaluation();
    if (!current()) return;
    const report = document.createElement('asi-group-report');
    report.lang = lang;
    // #/report/<instrument>: any instrument with scores (ASI by default; AUDIT, DUDIT, DOK's embedded AUDIT).
    report.instrument = a || 'asi';
    return void view.replaceChildren(reportPicker(a || 'asi'), report);
  }
  if (page === 'data') {
    await evaluation();
    if (!current()) return;
    const exchange = document.createElement('asi-data-exchange');
    exchange.lang = lang;
    // #/data/<id,id>: export the clients selected in the list; #/data: everything, restore and demo data.
    if (a) {
      exchange.clientIds = a.split(',');
      exchange.noImport = true;
    } else exchange.demoClients = 40;
    return void view.replaceChildren(exchange);
  }
  if (page === 'start' && a && b && c) {
    const element = document.createElement('asi-interview');
    Object.assign(element, { clientId: a, instrument: b, round: c });
    return showInterview(element, a, d);
  }
  await showClients(current);
}

/** Lost local data (an alert, until restored or accepted), else an old or missing backup (a status line). */
async function showContinuity(lock: AppLock): Promise<void> {
  const slot = document.querySelector<HTMLElement>('#continuity')!;
  let finding = await checkLoss(lock.store);
  if (finding.kind === 'ok') finding = await checkBackup(lock.store);
  const banner = continuityBanner(finding, lang, () => void acceptStore(lock.store).then(() => route()));
  slot.replaceChildren(...(banner ? [banner] : []));
}

// A restore fills the store again: what is there now is what this browser expects from here on.
document.addEventListener('asi-import', () => void appLock.then(async (lock) => (await acceptStore(lock.store), await showContinuity(lock))));

/** Ask for persistent storage without ever waiting on it (Firefox's prompt can leave the promise pending). */
function showPersistence(): void {
  const status = document.querySelector<HTMLElement>('#storage-status')!;
  const render = (persisted: boolean) => (status.textContent = persisted ? TEXT.persisted[lang] : TEXT.notPersisted[lang]);
  render(false);
  void navigator.storage
    ?.persisted?.()
    .then((already) => (already ? true : navigator.storage.persist()))
    .then(render, () => render(false));
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
  button.addEventListener('click', () => {
    lang = button.dataset.lang === 'en' ? 'en' : 'sv';
    localStorage.setItem(LANG_KEY, lang);
    applyLanguage();
    showPersistence();
  });
}
/**
 * Another tab opened a newer version of the database, so this page's connection was closed to let it upgrade: say so
 * at once, with the one way on (a reload), instead of waiting for the next write to fail.
 */
function showUpgraded(): void {
  const banner = document.querySelector<HTMLElement>('#upgraded')!;
  banner.hidden = false;
  banner.querySelector<HTMLButtonElement>('button')!.focus();
}

document.querySelector<HTMLButtonElement>('#upgraded button')!.addEventListener('click', () => location.reload());
window.addEventListener(STORAGE_VERSION_CHANGE, showUpgraded);
window.addEventListener('hashchange', () => void route());
const appLock: Promise<AppLock> = startAppLock({ view, lang: () => lang, route: () => void route() });
applyLanguage();
showPersistence();
void route();
