// One tab edits an interview at a time (Web Locks): another tab waits, says why, and takes over when the lock frees.

/** Holds the lock named after an interview until released; where Web Locks do not exist, every request succeeds. */
export class EditLock {
  private releaseHeld?: () => void;
  private readonly controller = new AbortController();
  readonly name: string;

  constructor(interviewId: string) {
    this.name = `asi-interview:edit:${interviewId}`;
  }

  /** True if the lock was free and is now held by this tab. */
  tryAcquire(): Promise<boolean> {
    return this.request({ ifAvailable: true });
  }

  /** Waits until the lock is free (false if released before that). */
  acquire(): Promise<boolean> {
    return this.request({ signal: this.controller.signal });
  }

  release(): void {
    this.controller.abort();
    this.releaseHeld?.();
    this.releaseHeld = undefined;
  }

  private request(options: LockOptions): Promise<boolean> {
    const locks = globalThis.navigator?.locks;
    if (!locks) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      locks
        .request(this.name, options, (lock) => {
          if (!lock) return resolve(false);
          resolve(true);
          // The lock is held for as long as this promise is pending.
          return new Promise<void>((done) => (this.releaseHeld = done));
        })
        .catch((error: unknown) => ((error as Error)?.name === 'AbortError' ? resolve(false) : reject(error)));
    });
  }
}
