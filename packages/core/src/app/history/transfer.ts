/**
 * `history export` and `history import`, the use cases: a store's every record as JSON Lines, and
 * back into any store (moving from file: to postgres://), plus Keptn's evaluation events as its API
 * returned them. An import checks the whole input first and writes nothing when any of it is
 * wrong; importing the same input twice adds nothing (records keep their ids).
 */

import { rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatDiagnostic } from '../../config/diagnostics.js';
import { ConfigError, ExitCode, UsageError } from '../../errors.js';
import { openRegularFile, readRegularFile } from '../../files/regular-file.js';
import { isBookkeeping } from '../../history/bookkeeping.js';
import type { HistoryRecord, HistoryStore } from '../../history/history-store.js';
import { readImportItems } from '../../history/import-input.js';
import { planImport, type ImportPlan } from '../../history/import-plan.js';
import type { Host } from '../host.js';
import { loadHistoryContext, withHistoryStore, type HistoryLocationRequest } from './history-context.js';
import { resolveInvalidations, warnAboutOrder } from './import-keptn.js';

/** `history export`: to `out`, or through `write` (stdout). */
export interface HistoryExportRequest extends HistoryLocationRequest {
  out?: string | undefined;
}

/** What `history export --out FILE --json` prints (without --out, stdout is the export itself). */
export interface HistoryExportResult {
  schemaVersion: 1;
  kind: 'history-export';
  history: string;
  out: string | null;
  records: number;
}

/** Bytes gathered before a write: few system calls, bounded memory. */
const CHUNK = 1 << 20;

/**
 * Writes every record of the store, bookkeeping included, one JSON object per line in append
 * order. A file is written beside `out` and renamed over it at the end, so an export that fails
 * leaves no half file; `write` (the front end's stdout) gets the lines when there is no `out`.
 */
export async function exportHistory(
  request: HistoryExportRequest,
  host: Host,
  write: (text: string) => Promise<void>,
): Promise<{ result: HistoryExportResult; exitCode: number }> {
  const { historyUrl } = await loadHistoryContext(request, host);
  return withHistoryStore(historyUrl, host, async (store) => {
    const out = request.out === undefined ? undefined : resolve(host.cwd, request.out);
    if (out !== undefined && out === store.location)
      throw new UsageError(`--out ${request.out} is the history being exported`, {
        hint: 'export to another file, then import it where it should go',
      });
    const records =
      out === undefined ? await writeLines(store, host, write) : await exportToFile(store, host, out);
    const result: HistoryExportResult = {
      schemaVersion: 1,
      kind: 'history-export',
      history: store.location,
      out: out ?? null,
      records,
    };
    return { result, exitCode: ExitCode.pass };
  });
}

async function exportToFile(store: HistoryStore, host: Host, out: string): Promise<number> {
  const partial = join(dirname(out), `.${host.newId()}.export-partial`);
  const handle = await openRegularFile(partial, { append: true, noFollow: true, label: '--out' });
  try {
    const count = await writeLines(store, host, async (text) => {
      await handle.write(text);
    });
    await handle.sync();
    await handle.close();
    await rename(partial, out);
    return count;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

async function writeLines(
  store: HistoryStore,
  host: Host,
  write: (text: string) => Promise<void>,
): Promise<number> {
  let count = 0;
  let chunk = '';
  for await (const record of store.entries()) {
    const { pinned: _readersOnly, ...stored } = record;
    chunk += `${JSON.stringify(stored)}\n`;
    count++;
    if (chunk.length >= CHUNK) {
      await write(host.redactor.redact(chunk));
      chunk = '';
    }
  }
  if (chunk !== '') await write(host.redactor.redact(chunk));
  return count;
}

/** `history import`: a file, or text the front end read (stdin). */
export interface HistoryImportRequest extends HistoryLocationRequest {
  input: { path: string } | { name: string; text: string };
}

/** What `history import --json` prints. */
export interface HistoryImportResult {
  schemaVersion: 1;
  kind: 'history-import';
  /** The input as named (`<stdin>` for stdin). */
  file: string;
  history: string;
  /** Records appended, and records left out because one with their id was already stored. */
  added: number;
  present: number;
  /** What the input held. */
  read: {
    /** ci-connect records (as history export writes them). */
    records: number;
    keptnEvaluations: number;
    keptnInvalidations: number;
    /** Keptn events of other types, by type (read for deployment images, not imported). */
    otherKeptnEvents: Record<string, number>;
  };
  /** Keptn invalidations that named no evaluation of the input or the store (their triggeredid). */
  unmatchedInvalidations: string[];
}

/** Imports, Keptn input's size bound: a file beyond it should be split (import is idempotent). */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
const LISTED = 20;

/** Checks the whole input, then imports it; any problem is a ConfigError (exit 2) and nothing is written. */
export async function importHistory(
  request: HistoryImportRequest,
  host: Host,
): Promise<{ result: HistoryImportResult; exitCode: number }> {
  const { historyUrl } = await loadHistoryContext(request, host);
  const { file, text } = await readInput(request.input, host);
  const plan = planImport(readImportItems(text, file), file);
  refuseProblems(plan, file);
  return withHistoryStore(historyUrl, host, async (store) => {
    const invalidations = await resolveInvalidations(plan, store, host);
    const { records, bookkeeping } = await orderForImport(plan.records, store, file);
    await warnAboutOrder(records, store, host);
    const tally = await store.import([...records, ...bookkeeping, ...invalidations.records]);
    const result: HistoryImportResult = {
      schemaVersion: 1,
      kind: 'history-import',
      file,
      history: store.location,
      ...tally,
      read: {
        records: plan.records.length - plan.keptnEvaluations.length,
        keptnEvaluations: plan.keptnEvaluations.length,
        keptnInvalidations: plan.keptnInvalidations.length,
        otherKeptnEvents: plan.otherEvents,
      },
      unmatchedInvalidations: invalidations.unmatched,
    };
    return { result, exitCode: ExitCode.pass };
  });
}

/**
 * The records first, then the invalidations and pins naming them: a store read newest first
 * meets a record's bookkeeping before the record only when it was appended after it. Refuses
 * (exit 2, nothing written) bookkeeping whose record is neither in the input nor in the store.
 */
async function orderForImport(
  input: readonly HistoryRecord[],
  store: HistoryStore,
  file: string,
): Promise<{ records: HistoryRecord[]; bookkeeping: HistoryRecord[] }> {
  const records = input.filter((record) => !isBookkeeping(record));
  const bookkeeping = input.filter(isBookkeeping);
  const known = new Set(records.map((record) => record.id));
  const missing: string[] = [];
  for (const target of new Set(bookkeeping.map((record) => record.target))) {
    if (!known.has(target) && (await store.get(target)) === undefined) missing.push(target);
  }
  if (missing.length > 0) {
    const listed = missing.slice(0, LISTED).join(', ') + (missing.length > LISTED ? ', ...' : '');
    throw new ConfigError(
      `${file}: ${missing.length} invalidation or pin record${missing.length === 1 ? ' names a record' : 's name records'} ` +
        `that neither this input nor the history ${store.location} holds (${listed}); nothing was imported`,
      { hint: 'import the records they name first, or in the same file (history export writes both)' },
    );
  }
  return { records, bookkeeping };
}

async function readInput(
  input: HistoryImportRequest['input'],
  host: Host,
): Promise<{ file: string; text: string }> {
  if ('text' in input) return { file: input.name, text: input.text };
  const buffer = await readRegularFile(resolve(host.cwd, input.path), {
    maxBytes: MAX_IMPORT_BYTES,
    label: 'history import',
    hint: 'split a JSON Lines file (split -l 100000) and import the parts: importing is idempotent',
  });
  return { file: input.path, text: buffer.toString('utf8') };
}

function refuseProblems(plan: ImportPlan, file: string): void {
  const errors = plan.diagnostics.toSorted((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (errors.length === 0) return;
  const lines = errors.slice(0, LISTED).map(formatDiagnostic);
  if (errors.length > LISTED) lines.push(`... and ${errors.length - LISTED} more`);
  const count = `${errors.length} problem${errors.length === 1 ? '' : 's'}`;
  throw new ConfigError(`${file}: ${count}; nothing was imported:\n${lines.join('\n')}`, {
    diagnostics: errors,
    hint: 'fix or remove those lines and import again',
  });
}
