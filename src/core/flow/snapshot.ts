// The stored form of a machine snapshot: small, serialisable, versioned (shared by the machine and persistence).

/** Bumped when states or context change shape; an older stored snapshot is then rebuilt from the answers. */
export const MACHINE_VERSION = 1;

/** States worth resuming into; transient states (saving, pausing...) are never stored. */
export const STABLE_STATES = ['active.answering', 'active.reviewing', 'paused', 'completed', 'terminated'] as const;
export type StableState = (typeof STABLE_STATES)[number];

export interface StoredSnapshot {
  machineVersion: number;
  state: StableState;
  position: string | null;
  reviewSection: string | null;
  status: 'in-progress' | 'paused' | 'completed' | 'terminated';
  terminationReason: string | null;
  correctionReason: string | null;
}

export function storedSnapshot(
  state: StableState,
  c: Pick<StoredSnapshot, 'position' | 'reviewSection' | 'status' | 'terminationReason' | 'correctionReason'>,
): StoredSnapshot {
  return {
    machineVersion: MACHINE_VERSION,
    state,
    position: c.position,
    reviewSection: c.reviewSection,
    status: c.status,
    terminationReason: c.terminationReason,
    correctionReason: c.correctionReason,
  };
}
