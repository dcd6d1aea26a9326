/**
 * Opening the history store a URL names, through the registry of stores by URL scheme
 * (registry.ts), with every record appended redacted.
 */

import { ConfigError } from '../errors.js';
import type { Redactor } from '../redaction/redaction.js';
import type { HistoryRecord, HistoryStore, OpenHistoryStoreOptions } from './history-store.js';
import { HISTORY_STORES } from './registry.js';
import type { HistoryStoreDefinition } from './store-definition.js';

const HINT = 'write e.g. --history file:path/to/history.jsonl (or set CI_CONNECT_HISTORY)';

/** Opens the history store `url` names (`file:...`; relative paths are resolved against `baseDir`). */
export function openHistoryStore(url: string, options: OpenHistoryStoreOptions): HistoryStore {
  const store = historyStoreOf(url).open(url.trim(), options);
  return options.redactor === undefined ? store : redactingStore(store, options.redactor);
}

/** The registry entry of the store `url` names; a ConfigError for no URL or a URL of no known kind. */
export function historyStoreOf(url: string): HistoryStoreDefinition {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  if (scheme === undefined) {
    throw new ConfigError(`the history store "${redactCredentials(url)}" is not a URL`, { hint: HINT });
  }
  const definition = HISTORY_STORES.get(scheme);
  if (definition === undefined) {
    const known = [...HISTORY_STORES.keys()].map((name) => `${name}:`).join(', ');
    throw new ConfigError(`history stores of the kind "${scheme}:" are not supported; supported: ${known}`, {
      hint: HINT,
    });
  }
  return definition;
}

/** The store with every appended record redacted: one place for every writer of history. */
function redactingStore(store: HistoryStore, redactor: Redactor): HistoryStore {
  return {
    location: store.location,
    append: (record) => store.append(redactor.redactJson(record)),
    query: (query) => store.query(query),
    get: (id) => store.get(id),
    invalidate: (id, reason) => store.invalidate(id, redactOptional(redactor, reason)),
    pin: (id, reason) => store.pin(id, redactOptional(redactor, reason)),
    unpin: (target, reason) => store.unpin(target, redactOptional(redactor, reason)),
    pinned: (target) => store.pinned(target),
    entries: () => store.entries(),
    import: (records) => store.import(redactEach(records, redactor)),
    ready: () => store.ready(),
    close: () => store.close(),
  };
}

function redactOptional(redactor: Redactor, text: string | undefined): string | undefined {
  return text === undefined ? undefined : redactor.redact(text);
}

async function* redactEach(
  records: AsyncIterable<HistoryRecord> | Iterable<HistoryRecord>,
  redactor: Redactor,
): AsyncIterable<HistoryRecord> {
  for await (const record of records) yield redactor.redactJson(record);
}

/** The URL with any `user:password@` masked, so a database password never reaches a message. */
export function redactCredentials(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/, '//***@');
}
