/** The history store: interface, registry, the `file:` store and baseline selection. */

export * from './history-store.js';
export { isEvaluationRecord } from './evaluation-shape.js';
export {
  historyStoreFactories,
  openHistoryStore,
  redactCredentials,
  type HistoryStoreFactory,
} from './open-store.js';
export * from './baseline.js';
export { FileHistoryStore, type FileHistoryStoreOptions } from './file/file-history-store.js';
export { defaultFileLockOptions, type FileLockOptions } from '../files/file-lock.js';
export type { BookkeepingRecord, InvalidationRecord, PinRecord } from './bookkeeping.js';
export { recordTime } from './bookkeeping.js';
