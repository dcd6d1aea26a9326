// A Host for the history use cases' tests: a temporary working directory with a file: history,
// a fixed clock, a memory logger, sequential ids.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../../environment.js';
import type { EvaluationRecord } from '../../../gate/types.js';
import { FileHistoryStore } from '../../../history/file/file-history-store.js';
import type { HistoryRecord } from '../../../history/history-store.js';
import { createRedactor } from '../../../redaction/redaction.js';
import { runProcess } from '../../../tools/process.js';
import { makeEvaluationRecord } from '../../../test-support/records.js';
import type { Host } from '../../host.js';

export interface HistoryHost extends Host {
  logger: ReturnType<typeof createMemoryLogger>;
  /** The history file, `history.jsonl` in the working directory. */
  historyPath: string;
  /** `--history` for it. */
  history: string;
  /** Appends records to the history file, as earlier runs would have. */
  seed(...records: HistoryRecord[]): Promise<void>;
  /** A config directory `.ci-connect` with ci-connect.yaml and these services. */
  writeConfigDir(yaml: string, services: readonly string[]): Promise<string>;
  cleanUp(): Promise<void>;
}

export const NOW = new Date('2026-11-22T12:00:00.000Z');

/** A fresh working directory and a Host on it. */
export async function makeHistoryHost(): Promise<HistoryHost> {
  const cwd = await mkdtemp(join(tmpdir(), 'ci-connect-history-app-'));
  const historyPath = join(cwd, 'history.jsonl');
  const logger = createMemoryLogger();
  let next = 0;
  return {
    cwd,
    env: {},
    clock: { now: () => NOW },
    logger,
    redactor: createRedactor(),
    signal: new AbortController().signal,
    runProcess,
    newId: () => `id-${++next}`,
    historyPath,
    history: 'file:history.jsonl',
    seed: async (...records) => {
      const store = new FileHistoryStore({ path: historyPath, logger });
      for (const record of records) await store.append(record);
    },
    writeConfigDir: async (yaml, services) => {
      const dir = join(cwd, '.ci-connect');
      for (const service of services) await mkdir(join(dir, 'base', service), { recursive: true });
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'ci-connect.yaml'), yaml);
      return dir;
    },
    cleanUp: () => rm(cwd, { recursive: true, force: true }),
  };
}

/** An evaluation of shop/hardening/carts at minute `minute` past 10:00 on 2026-11-22. */
export function evaluationAt(
  id: string,
  minute: number,
  overrides: Partial<EvaluationRecord> = {},
): EvaluationRecord {
  const at = (m: number) => new Date(Date.UTC(2026, 10, 22, 10, m)).toISOString();
  return makeEvaluationRecord({
    id,
    project: 'shop',
    stage: 'hardening',
    service: 'carts',
    start: at(minute - 5),
    end: at(minute),
    evaluatedAt: at(minute),
    ...overrides,
  });
}
