// Public API of the scoring layer: composite scores, cut-offs, change between rounds and group reports.
export * from './composite.js';
export * from './cutoffs.js';
export * from './change.js';
export * from './group.js';
export * from './group-table.js';
