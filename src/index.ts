// Root export: the headless core (definitions, expressions, flow, scoring, storage, exchange, simulation). Runs in Node; no DOM needed.
export * from './core/definition/index.js';
export * from './core/expression/index.js';
export * from './core/flow/index.js';
export * from './core/scoring/composite.js';
export * from './core/scoring/change.js';
export * from './core/scoring/group.js';
export * from './core/storage/types.js';
export * from './core/exchange/index.js';
export { createMemoryStore } from './core/storage/memory-store.js';
export { nowWithOffset, verifyChain } from './core/storage/audit-chain.js';
export { MAX_SIMULATED_CLIENTS, simulateBundle, type SimulateOptions } from './core/simulation/simulate.js';
export * from './core/protection/index.js';
export { checkInterview, foldAnswers, describeProblem, type IntegrityProblem, type IntegrityReport } from './core/storage/integrity.js';
