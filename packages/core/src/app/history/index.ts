// The `history` use cases: list, show, invalidate, pin, unpin, export, import, rescore.
export type { HistoryLocationRequest, HistoryTargetRequest } from './history-context.js';
export {
  listHistory,
  showHistoryRecord,
  type HistoryListRequest,
  type HistoryListResult,
  type HistoryShowRequest,
} from './list.js';
export {
  invalidateRecord,
  pinEvaluation,
  unpinEvaluation,
  type HistoryMarkRequest,
  type HistoryMarkResult,
  type HistoryUnpinRequest,
} from './marks.js';
export {
  exportHistory,
  importHistory,
  MAX_IMPORT_BYTES,
  type HistoryExportRequest,
  type HistoryExportResult,
  type HistoryImportRequest,
  type HistoryImportResult,
} from './transfer.js';
export {
  rescoreHistory,
  type HistoryRescoreRequest,
  type HistoryRescoreResult,
  type RescoreEntry,
} from './rescore.js';
