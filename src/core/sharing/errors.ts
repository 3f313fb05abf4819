// The error of the sharing layer: a code the UI can act on, a message that says what was refused, and where.
import type { DefinitionProblem } from '../definition/problems.js';

export type SharingErrorCode =
  /** A consent, a withdrawal or a share package of the wrong shape; `problems` name the fields. */
  | 'invalid'
  /** The consent's period has not begun. */
  | 'not-yet'
  /** The consent's period has ended. */
  | 'expired'
  /** The consent was withdrawn (also: withdrawing it a second time). */
  | 'withdrawn'
  /** The consent is for another client than the records or the client given. */
  | 'other-client'
  /** The consent covers none of the client's completed interviews. */
  | 'nothing-in-scope'
  /** A package sealed for an organisation other than the one the consent names. */
  | 'wrong-recipient';

/** A JSON path (`scope.rounds[1]`, "" for the whole) and a plain message, as definitions and bundles report them. */
export type SharingProblem = DefinitionProblem;

export class SharingError extends Error {
  readonly code: SharingErrorCode;
  readonly problems: SharingProblem[];
  constructor(code: SharingErrorCode, message: string, problems: SharingProblem[] = []) {
    super(problems.length ? `${message}:\n${problems.map((p) => `  ${p.path || '(whole)'}: ${p.message}`).join('\n')}` : message);
    this.name = 'SharingError';
    this.code = code;
    this.problems = problems;
  }
}
