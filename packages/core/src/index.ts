export * from './errors.js';
export * from './environment.js';
export * from './config/diagnostics.js';
export * from './gate/types.js';
export * from './gate/criteria.js';
export * from './providers/provider.js';
