// Protection at rest: the unit key and its passphrase slots, sealed payloads, keyed audit links.
export * from './errors.js';
export * from './unit-key.js';
export * from './seal.js';
