// Noticing lost local data and old backups: a marker outside IndexedDB remembers which store this browser had and how full.
import type { IdbInterviewStore } from '../core/storage/idb-store.js';

type Lang = 'sv' | 'en';

/**
 * Kept in localStorage, beside IndexedDB but not in it: the store's marker id and how many clients and interviews it
 * held. Nothing here is clinical data (an id and two counts). Records are never deleted through the app, so fewer
 * of them, or another marker, means the store was emptied, evicted or replaced behind the app's back.
 */
const MARKER_KEY = 'asi-interview.store-marker';

interface SeenStore {
  id: string;
  clients: number;
  interviews: number;
  at: string;
}

export type Continuity =
  | { kind: 'lost'; seen: SeenStore; now: { clients: number; interviews: number }; replaced: boolean }
  | { kind: 'backup-due'; lastBackupAt?: string; unbacked: number }
  | { kind: 'ok' };

function readSeen(): SeenStore | undefined {
  try {
    const seen = JSON.parse(localStorage.getItem(MARKER_KEY) ?? 'null') as SeenStore | null;
    return seen && typeof seen.id === 'string' && Number.isInteger(seen.clients) && Number.isInteger(seen.interviews) ? seen : undefined;
  } catch {
    return undefined;
  }
}

/** Compares the store with what this browser last saw of it; a loss is reported until a person deals with it. */
export async function checkLoss(store: IdbInterviewStore): Promise<Continuity> {
  const [marker, now] = await Promise.all([store.marker(), store.recordCounts()]);
  const seen = readSeen();
  const replaced = seen !== undefined && marker !== undefined && seen.id !== marker.id;
  if (seen && (replaced || now.clients < seen.clients || now.interviews < seen.interviews)) return { kind: 'lost', seen, now, replaced };
  if (marker) localStorage.setItem(MARKER_KEY, JSON.stringify({ id: marker.id, ...now, at: new Date().toISOString() } satisfies SeenStore));
  return { kind: 'ok' };
}

/** After a restore (or when a person accepts the store as it is now), what is there now is what this browser expects. */
export async function acceptStore(store: IdbInterviewStore): Promise<void> {
  localStorage.removeItem(MARKER_KEY);
  await checkLoss(store);
}

/** A reminder when the last full backup is older than the unit's setting, or completed interviews are in no backup. */
export async function checkBackup(store: IdbInterviewStore, now = new Date()): Promise<Continuity> {
  const { lastBackupAt, backupReminderDays } = await store.settings();
  const interviews = await store.listInterviews();
  const since = lastBackupAt ? Date.parse(lastBackupAt) : -Infinity;
  const unbacked = interviews.filter((i) => i.completedAt && Date.parse(i.completedAt) > since).length;
  const old = lastBackupAt !== undefined && now.getTime() - since > backupReminderDays * 86_400_000;
  if (interviews.length > 0 && (old || unbacked > 0)) return { kind: 'backup-due', ...(lastBackupAt ? { lastBackupAt } : {}), unbacked };
  return { kind: 'ok' };
}

/** The banner for a finding, in the app's language; null when there is nothing to say. */
export function continuityBanner(finding: Continuity, lang: Lang, onAccept: () => void): HTMLElement | null {
  if (finding.kind === 'ok') return null;
  const box = document.createElement('div');
  box.setAttribute('role', finding.kind === 'lost' ? 'alert' : 'status');
  box.className = `continuity ${finding.kind}`;
  const text = document.createElement('p');
  const link = document.createElement('a');
  link.href = '#/data';
  if (finding.kind === 'lost') {
    const { seen, now } = finding;
    text.textContent =
      lang === 'sv'
        ? `Lokala uppgifter saknas: den här webbläsaren hade ${seen.clients} klienter och ${seen.interviews} intervjuer (${seen.at.slice(0, 10)}), nu finns ${now.clients} klienter och ${now.interviews} intervjuer. Webbläsaren kan ha rensat lagringen. Läs in den senaste säkerhetskopian.`
        : `Local data is missing: this browser had ${seen.clients} clients and ${seen.interviews} interviews (${seen.at.slice(0, 10)}), now there are ${now.clients} clients and ${now.interviews} interviews. The browser may have cleared its storage. Restore the latest backup.`;
    link.textContent = lang === 'sv' ? 'Läs in en säkerhetskopia' : 'Restore from a backup';
    const accept = document.createElement('button');
    accept.type = 'button';
    accept.textContent = lang === 'sv' ? 'Fortsätt med det som finns' : 'Go on with what is there';
    accept.addEventListener('click', onAccept);
    box.append(text, link, ' ', accept);
  } else {
    const when = finding.lastBackupAt?.slice(0, 10);
    text.textContent =
      lang === 'sv'
        ? `${when ? `Senaste säkerhetskopian är från ${when}.` : 'Ingen säkerhetskopia har gjorts här.'}${finding.unbacked ? ` ${finding.unbacked} slutförda intervjuer finns inte i någon säkerhetskopia.` : ''} Exportera en krypterad säkerhetskopia.`
        : `${when ? `The last backup is from ${when}.` : 'No backup has been made here.'}${finding.unbacked ? ` ${finding.unbacked} completed interviews are in no backup.` : ''} Export an encrypted backup.`;
    link.textContent = lang === 'sv' ? 'Till export och säkerhetskopia' : 'To export and backup';
    box.append(text, link);
  }
  return box;
}
