// Element classes and their types, without registering any tag (import "asi-interview/define" for that).
export { AsiInterview } from './interview/asi-interview.js';
export type { AsiAnswerDetail, AsiCompleteDetail, AsiErrorDetail, AsiProgressDetail, AsiSaveErrorDetail, AsiStartDetail } from './interview/asi-interview.js';
export { AsiSectionNav } from './section-nav/asi-section-nav.js';
export { AnswerControl, type ControlCommitDetail } from './controls/answer-control.js';
export { AsiNumberControl } from './controls/number-control.js';
export { AsiOptionControl } from './controls/option-control.js';
export { AsiDurationControl } from './controls/duration-control.js';
export { AsiDateControl } from './controls/date-control.js';
export { AsiTextControl } from './controls/text-control.js';
export { CONTROL_FOR_KIND, CONTROL_TAGS } from './controls/registry.js';
export type { ItemView } from './controls/item-view.js';
export { SelectorController } from './controllers/selector-controller.js';
export { interviewContext, type InterviewContextValue } from './context.js';
export { AsiClientList, type AsiClientSelectDetail } from './clients/asi-client-list.js';
export { AsiClientRounds, type AsiCompareDetail, type AsiInterviewOpenDetail, type AsiRoundStartDetail } from './clients/asi-client-rounds.js';
export { AsiProfile, type ProfileScore } from './profile/asi-profile.js';
export { AsiComparison } from './comparison/asi-comparison.js';
export { AsiGroupReport } from './group-report/asi-group-report.js';
