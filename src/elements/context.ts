// The running interview actor and its instrument, shared from <asi-interview> with the elements inside it.
import { createContext } from '@lit/context';
import type { CompiledInstrument } from '../core/definition/compiled.js';
import type { InterviewActor } from '../core/flow/session.js';
import type { Language } from '../core/definition/text.js';

export interface InterviewContextValue {
  actor: InterviewActor;
  instrument: CompiledInstrument;
  lang: Language;
}

export const interviewContext = createContext<InterviewContextValue | undefined>(Symbol('asi-interview'));
