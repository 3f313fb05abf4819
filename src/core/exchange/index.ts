// Public API of the exchange layer: JSON bundles (backup, transfer, merge), CSV and codebooks, FHIR R4.
export * from './bundle.js';
export * from './csv.js';
export * from './fhir.js';
export * from './fhir-validate.js';
export { SPECIAL_MEANING, type ExportValues, type FhirItemType } from './kinds.js';
export * from './sealed-bundle.js';
export * from './verify.js';
