// Registers the interview elements (runner, controls, section nav, profile, client lists): the side-effect module.
// The evaluation elements (comparison, group report, exports) are in define-evaluation.ts, loaded on demand.
import { AsiInterview } from './interview/asi-interview.js';
import { AsiSectionNav } from './section-nav/asi-section-nav.js';
import { CONTROL_TAGS } from './controls/registry.js';
import { AsiClientList } from './clients/asi-client-list.js';
import { AsiClientRounds } from './clients/asi-client-rounds.js';
import { AsiProfile } from './profile/asi-profile.js';
import { AsiProtection } from './protection/asi-protection.js';
import { registerElements } from './register.js';

const ELEMENTS: Record<string, CustomElementConstructor> = {
  'asi-interview': AsiInterview,
  'asi-section-nav': AsiSectionNav,
  'asi-client-list': AsiClientList,
  'asi-client-rounds': AsiClientRounds,
  'asi-profile': AsiProfile,
  'asi-protection': AsiProtection,
  ...CONTROL_TAGS,
};

/** Defines the interview elements that are not defined yet. */
export function defineElements(registry: CustomElementRegistry = customElements): void {
  registerElements(ELEMENTS, registry);
}

defineElements();

declare global {
  interface HTMLElementTagNameMap {
    'asi-interview': AsiInterview;
    'asi-section-nav': AsiSectionNav;
    'asi-client-list': AsiClientList;
    'asi-client-rounds': AsiClientRounds;
    'asi-profile': AsiProfile;
    'asi-protection': AsiProtection;
  }
}
