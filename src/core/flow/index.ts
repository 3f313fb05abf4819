// Public API of the flow layer.
export * from './plan.js';
export * from './machine.js';
export * from './persistence.js';
export { STABLE_STATES, storedSnapshot, type StableState } from './snapshot.js';
export * from './session.js';
