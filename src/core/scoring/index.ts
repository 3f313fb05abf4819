// Public API of the scoring layer: composite scores, change between rounds and group reports.
export * from './composite.js';
export * from './change.js';
export * from './group.js';
export * from './group-table.js';
