// Integrity of the interviews in a bundle: each audit chain and the answers against the fold of its events.
import { checkInterview, describeProblem, type IntegrityReport } from '../storage/integrity.js';
import type { Bundle } from './bundle.js';
import { byInterview } from './kinds.js';

/** One report per interview of the bundle, in bundle order (a bundle holds no chain tips: a cut-off tail is not seen). */
export async function verifyBundle(bundle: Pick<Bundle, 'interviews' | 'answers' | 'audit'>): Promise<IntegrityReport[]> {
  const events = byInterview(bundle.audit);
  const answers = byInterview(bundle.answers);
  const reports: IntegrityReport[] = [];
  for (const interview of bundle.interviews) {
    reports.push(await checkInterview(interview.id, undefined, events.get(interview.id) ?? [], answers.get(interview.id) ?? []));
  }
  return reports;
}

/** Plain lines for a person: the interview and each of its problems (the first bad event first). */
export function integrityLines(report: IntegrityReport): string[] {
  return report.problems.map((p) => `interview ${report.interviewId}: ${describeProblem(p)}`);
}
