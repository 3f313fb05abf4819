// The feedback-meeting summary: the answers of one interview as short statements per section, and as plain text.
import { formatAnswer, type CompiledInstrument } from '../definition/compiled.js';
import type { Language } from '../definition/text.js';
import type { InterviewPlan } from '../flow/plan.js';

export interface SummaryStatement {
  itemId: string;
  /** The item's short label, else its question. */
  label: string;
  answer: string;
  autofilled: boolean;
}

export interface SummarySection {
  id: string;
  title: string;
  statements: SummaryStatement[];
}

/** Whether the definition offers a summary in this round (`summary.rounds`, default every round). */
export function offersSummary(instrument: CompiledInstrument, round: string): boolean {
  const summary = instrument.def.summary;
  return summary !== undefined && (summary.rounds === undefined || summary.rounds.includes(round));
}

/**
 * One statement per answered item of the plan, in interview order, grouped by section. Skipped and blank items are
 * left out: the summary says what the client told, and the client corrects it at the meeting.
 */
export function summarize(instrument: CompiledInstrument, plan: InterviewPlan, lang: Language): SummarySection[] {
  const sections: SummarySection[] = [];
  for (const step of plan.steps) {
    if (step.value === undefined) continue;
    const section = step.item.section;
    let entry = sections.at(-1);
    if (entry?.id !== section.id) sections.push((entry = { id: section.id, title: section.def.title[lang], statements: [] }));
    entry.statements.push({
      itemId: step.item.id,
      label: (step.item.def.label ?? step.item.def.text)[lang],
      answer: formatAnswer(instrument, step.item, step.value, lang),
      autofilled: step.state === 'autofill',
    });
  }
  return sections;
}

/** The summary as plain text, for the journal or a printout: a heading per section, a line per statement. */
export function summaryText(sections: readonly SummarySection[]): string {
  return sections.map((s) => [s.title, ...s.statements.map((st) => `- ${st.label}: ${st.answer}`)].join('\n')).join('\n\n');
}
