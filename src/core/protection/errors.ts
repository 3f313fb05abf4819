// The one error type of the protection layer: a code the UI can act on and a message that says what failed.

export type ProtectionErrorCode =
  /** No passphrase slot opens with the passphrase given. */
  | 'wrong-passphrase'
  /** A private key that does not open what was sealed, or data sealed for another recipient's key. */
  | 'wrong-key'
  /** A sealed record, a key slot or a keyed audit link failed its authentication: changed, swapped or corrupted. */
  | 'integrity'
  /** The store is encrypted and not unlocked (or was locked after idle time). */
  | 'locked'
  /** A passphrase that is too short, or a setting below the minimum (iterations). */
  | 'weak'
  /** Malformed protection data (a header or an envelope of the wrong shape). */
  | 'invalid'
  /** WebCrypto itself failed or is missing. */
  | 'crypto';

export class ProtectionError extends Error {
  readonly code: ProtectionErrorCode;
  override readonly cause?: unknown;
  constructor(code: ProtectionErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = 'ProtectionError';
    this.code = code;
    this.cause = cause;
  }
}
