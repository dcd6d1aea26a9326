import { fileHistoryStore } from './file/index.js';
import { gitHistoryStore } from './git/index.js';
import { postgresHistoryStore, postgresqlHistoryStore } from './postgres/index.js';
import type { HistoryStoreDefinition } from './store-definition.js';

/**
 * The history stores ci-connect knows, by URL scheme (STYLE.md: an explicit registry). Adding
 * one is its folder, whose index.ts exports its definition, and one entry here
 * (registries.test.ts checks both).
 */
export const HISTORY_STORES: ReadonlyMap<string, HistoryStoreDefinition> = new Map(
  [fileHistoryStore, gitHistoryStore, postgresHistoryStore, postgresqlHistoryStore].map((d) => [d.scheme, d]),
);
