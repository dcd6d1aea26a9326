/** The `file:` history store (JSON Lines) and its registry entry. */
import type { HistoryStoreDefinition } from '../store-definition.js';
import { checkHistoryFile } from './file-doctor-check.js';
import { openFileHistoryStore } from './open-file-history-store.js';

/** `file:<path>`, the default store (DESIGN.md section 4). */
export const fileHistoryStore: HistoryStoreDefinition = {
  scheme: 'file',
  open: openFileHistoryStore,
  doctorCheck: checkHistoryFile,
  docs: 'cli-reference.md#ci-connect-evaluate',
};
