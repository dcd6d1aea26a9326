/**
 * What the history store registry (registry.ts) knows of each kind of store. A module of its
 * own, so each store's folder can name the type without importing the registry that imports it.
 */

import type { CheckFinding, DoctorDependencies } from '../doctor/types.js';
import type { HistoryStore, OpenHistoryStoreOptions } from './history-store.js';

/**
 * Opens the store a URL of its scheme names. Synchronous: a store connects lazily on its first
 * operation (a pg.Pool does), so callers need no await and connection errors surface there.
 */
export type HistoryStoreFactory = (url: string, options: OpenHistoryStoreOptions) => HistoryStore;

/**
 * What `ci-connect doctor`'s history check asks a store of this kind, before it reads it as a gate
 * would: can a gate write there? It changes nothing; a problem is its finding (a ConfigError it
 * throws fails the check too).
 */
export type HistoryStoreCheck = (
  url: string,
  deps: Pick<DoctorDependencies, 'cwd' | 'env' | 'runProcess'> & {
    redactor?: DoctorDependencies['redactor'];
    logger?: DoctorDependencies['logger'];
  },
) => Promise<CheckFinding>;

/** One kind of history store, by URL scheme. */
export interface HistoryStoreDefinition {
  /** Its URL scheme, lower case, without ":" (`file`). */
  scheme: string;
  open: HistoryStoreFactory;
  doctorCheck: HistoryStoreCheck;
  /** Its user documentation: a page of docs/, optionally with `#anchor` (registries.test.ts checks it). */
  docs: string;
}
