// Which control element answers which item kind (the element-side half of the kind registry).
import { AsiDateControl } from './date-control.js';
import { AsiDurationControl } from './duration-control.js';
import { AsiNumberControl } from './number-control.js';
import { AsiOptionControl } from './option-control.js';
import { AsiTextControl } from './text-control.js';

export const CONTROL_TAGS = {
  'asi-number-control': AsiNumberControl,
  'asi-option-control': AsiOptionControl,
  'asi-duration-control': AsiDurationControl,
  'asi-date-control': AsiDateControl,
  'asi-text-control': AsiTextControl,
} as const;

export type ControlTag = keyof typeof CONTROL_TAGS;

export const CONTROL_FOR_KIND: Record<string, ControlTag> = {
  days: 'asi-number-control',
  count: 'asi-number-control',
  money: 'asi-number-control',
  yesno: 'asi-option-control',
  scale: 'asi-option-control',
  choice: 'asi-option-control',
  duration: 'asi-duration-control',
  date: 'asi-date-control',
  time: 'asi-date-control',
  text: 'asi-text-control',
};
