// Public API of the flow layer.
export * from './plan.js';
export * from './machine.js';
export * from './persistence.js';
export * from './session.js';
