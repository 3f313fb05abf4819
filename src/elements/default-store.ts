// The store an element uses when the host gives none: one IndexedDB connection per page, opened on first use.
import { openIdbStore, type IdbInterviewStore } from '../core/storage/idb-store.js';

/**
 * Fired on `window` when another tab upgraded the database and the default store closed its connection (so that the
 * upgrade is not blocked): every later write fails, so the page should ask for a reload.
 */
export const STORAGE_VERSION_CHANGE = 'asi-storage-version-change';

let shared: Promise<IdbInterviewStore> | undefined;

export function defaultStore(): Promise<IdbInterviewStore> {
  // Without onVersionChange an old tab would learn of the upgrade only on its next failed write.
  const onVersionChange = () => globalThis.dispatchEvent?.(new Event(STORAGE_VERSION_CHANGE));
  shared ??= openIdbStore({ onVersionChange }).catch((error: unknown) => {
    shared = undefined; // let the next element try again (e.g. after the user closed a blocking tab)
    throw error;
  });
  return shared;
}
