// Registers the evaluation elements (round comparison, group report, export and restore): import on demand, so that
// the interview runner's bundle stays small.
import { AsiComparison } from './comparison/asi-comparison.js';
import { AsiDataExchange } from './data-exchange/asi-data-exchange.js';
import { AsiGroupReport } from './group-report/asi-group-report.js';
import { registerElements } from './register.js';

export function defineEvaluationElements(registry: CustomElementRegistry = customElements): void {
  registerElements({ 'asi-comparison': AsiComparison, 'asi-group-report': AsiGroupReport, 'asi-data-exchange': AsiDataExchange }, registry);
}

defineEvaluationElements();

declare global {
  interface HTMLElementTagNameMap {
    'asi-comparison': AsiComparison;
    'asi-group-report': AsiGroupReport;
    'asi-data-exchange': AsiDataExchange;
  }
}
