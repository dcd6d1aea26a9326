/** The history store: interface, registry, the `file:` store and baseline selection. */

export * from './history-store.js';
export { isEvaluationRecord } from './evaluation-shape.js';
export * from './open-store.js';
export { HISTORY_STORES } from './registry.js';
export type { HistoryStoreCheck, HistoryStoreDefinition, HistoryStoreFactory } from './store-definition.js';
export * from './baseline.js';
export { FileHistoryStore, type FileHistoryStoreOptions } from './file/file-history-store.js';
export { defaultFileLockOptions, type FileLockOptions } from '../files/file-lock.js';
export type { BookkeepingRecord, InvalidationRecord, PinRecord } from './bookkeeping.js';
export { recordTime } from './bookkeeping.js';
