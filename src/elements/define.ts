// Registers the asi-* custom elements: the only module with that side effect (import it once, or call defineElements()).
import { AsiInterview } from './interview/asi-interview.js';
import { AsiSectionNav } from './section-nav/asi-section-nav.js';
import { CONTROL_TAGS } from './controls/registry.js';
import { AsiClientList } from './clients/asi-client-list.js';
import { AsiClientRounds } from './clients/asi-client-rounds.js';
import { AsiProfile } from './profile/asi-profile.js';
import { AsiComparison } from './comparison/asi-comparison.js';
import { AsiGroupReport } from './group-report/asi-group-report.js';
import { AsiDataExchange } from './data-exchange/asi-data-exchange.js';

const ELEMENTS: Record<string, CustomElementConstructor> = {
  'asi-interview': AsiInterview,
  'asi-section-nav': AsiSectionNav,
  'asi-client-list': AsiClientList,
  'asi-client-rounds': AsiClientRounds,
  'asi-profile': AsiProfile,
  'asi-comparison': AsiComparison,
  'asi-group-report': AsiGroupReport,
  'asi-data-exchange': AsiDataExchange,
  ...CONTROL_TAGS,
};

/** Defines every element that is not defined yet (safe to call more than once, e.g. from two bundles). */
export function defineElements(registry: CustomElementRegistry = customElements): void {
  for (const [tag, ctor] of Object.entries(ELEMENTS)) if (!registry.get(tag)) registry.define(tag, ctor);
}

defineElements();

declare global {
  interface HTMLElementTagNameMap {
    'asi-interview': AsiInterview;
    'asi-section-nav': AsiSectionNav;
    'asi-client-list': AsiClientList;
    'asi-client-rounds': AsiClientRounds;
    'asi-profile': AsiProfile;
    'asi-comparison': AsiComparison;
    'asi-group-report': AsiGroupReport;
    'asi-data-exchange': AsiDataExchange;
  }
}
