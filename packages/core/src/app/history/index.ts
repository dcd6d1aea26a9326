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
