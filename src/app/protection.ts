// The app's lock: the unlock screen while the store is encrypted and locked, the idle lock, "lock now" in every tab.
import type { IdbInterviewStore } from '../core/storage/idb-store.js';
import { defaultStore } from '../elements/default-store.js';

type Lang = 'sv' | 'en';

/** Activity that keeps the app unlocked: a person at the keyboard or the pointer. */
const ACTIVITY = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
const OFFER_KEY = 'asi-interview.protection-offer'; // an interface choice ("not now"), never clinical data

export interface AppLock {
  store: IdbInterviewStore;
  /** True when the page may show data; otherwise the unlock screen is shown and false returned. */
  admit(): Promise<boolean>;
  lock(): void;
  /** The first-start offer to turn encryption on, or null when it does not apply. */
  offer(): Promise<HTMLElement | null>;
}

export interface AppLockOptions {
  view: HTMLElement;
  lang: () => Lang;
  /** Shows the current route again (after unlocking, or after "not now"). */
  route: () => void;
}

/**
 * Locking is per tab (each tab holds its own unlocked key), so a lock is sent to the other tabs of the app with a
 * BroadcastChannel: a person who locks, or walks away from, one tab leaves none open.
 */
export async function startAppLock(options: AppLockOptions): Promise<AppLock> {
  const store = await defaultStore();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('asi-interview.lock') : undefined;
  const chrome = () => document.querySelectorAll<HTMLElement>('.app-header nav, #lock-now');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let showing = false;

  /** How long without activity before locking: the unit's setting, or a shorter one from `?lock-after-seconds=` (tests). */
  const idleMs = async () => {
    const unit = (await store.settings()).lockAfterMinutes * 60_000;
    const asked = Number(new URLSearchParams(location.search).get('lock-after-seconds')) * 1000;
    return asked > 0 ? Math.min(asked, unit) : unit;
  };

  const arm = () => {
    clearTimeout(timer);
    timer = undefined;
    void store.protection().then(async (state) => {
      if (state === 'unlocked') timer = setTimeout(() => lock(), await idleMs());
    });
  };

  const setChrome = (open: boolean) => {
    for (const el of chrome()) el.inert = !open;
    const lockButton = document.querySelector<HTMLElement>('#lock-now');
    if (lockButton) void store.protection().then((state) => (lockButton.hidden = state !== 'unlocked'));
  };

  const showUnlock = () => {
    showing = true;
    setChrome(false);
    const element = document.createElement('asi-protection');
    element.view = 'unlock';
    element.lang = options.lang();
    element.addEventListener('asi-unlock', () => {
      showing = false;
      setChrome(true);
      arm();
      options.route();
    });
    options.view.replaceChildren(element);
  };

  function lock(): void {
    clearTimeout(timer);
    store.lock();
    channel?.postMessage('lock');
    showUnlock();
  }

  channel?.addEventListener('message', (event) => {
    if (event.data !== 'lock') return;
    store.lock();
    if (!showing) showUnlock();
  });
  for (const type of ACTIVITY) document.addEventListener(type, () => timer !== undefined && arm(), { capture: true, passive: true });
  document.querySelector<HTMLButtonElement>('#lock-now')?.addEventListener('click', lock);
  document.addEventListener('asi-lock', () => lock());
  document.addEventListener('asi-unlock', () => (setChrome(true), arm()));

  async function admit(): Promise<boolean> {
    const state = await store.protection();
    if (state === 'locked') {
      if (!showing) showUnlock();
      return false;
    }
    setChrome(true);
    if (state === 'unlocked' && timer === undefined) arm();
    return true;
  }

  /**
   * First start: before the first client is entered, the offer to encrypt, above the (empty) client list. It does not
   * block: "not now" is remembered in this browser; settings always has the same form.
   */
  async function offer(): Promise<HTMLElement | null> {
    if ((await store.protection()) !== 'plain' || localStorage.getItem(OFFER_KEY) === 'declined') return null;
    if ((await store.listClients()).length > 0) return null;
    const lang = options.lang();
    const box = document.createElement('section');
    box.className = 'offer';
    box.setAttribute('aria-label', lang === 'sv' ? 'Skydda uppgifterna' : 'Protect the data');
    const text = document.createElement('p');
    text.textContent =
      lang === 'sv'
        ? 'Datorn delas ofta av flera. Skydda uppgifterna med en lösenfras innan den första klienten läggs in: då krypteras allt som sparas här.'
        : 'Computers are often shared. Protect the data with a passphrase before the first client is added: everything saved here is then encrypted.';
    const enable = document.createElement('a');
    enable.href = '#/settings';
    enable.className = 'button';
    enable.textContent = lang === 'sv' ? 'Slå på kryptering' : 'Turn on encryption';
    const later = document.createElement('button');
    later.type = 'button';
    later.textContent = lang === 'sv' ? 'Inte nu' : 'Not now';
    later.addEventListener('click', () => {
      localStorage.setItem(OFFER_KEY, 'declined');
      box.remove();
    });
    box.append(text, enable, ' ', later);
    return box;
  }

  return { store, admit, lock, offer };
}
