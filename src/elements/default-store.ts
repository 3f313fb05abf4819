// The store an element uses when the host gives none: one IndexedDB connection per page, opened on first use.
import type { InterviewStore } from '../core/storage/types.js';
import { openIdbStore } from '../core/storage/idb-store.js';

let shared: Promise<InterviewStore> | undefined;

export function defaultStore(): Promise<InterviewStore> {
  shared ??= openIdbStore().catch((error: unknown) => {
    shared = undefined; // let the next element try again (e.g. after the user closed a blocking tab)
    throw error;
  });
  return shared;
}
