// What the stage-run tests share: a real file history store in a temp dir, a stepping clock, a
// task context, and scripted runners that record what they were asked.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryLogger, type Clock } from '../../environment.js';
import type { HistoryStore } from '../../history/history-store.js';
import { openHistoryStore } from '../../history/open-store.js';
import type { ShipyardTask } from '../../shipyard/types.js';
import type { TaskContext, TaskOutcome, TaskPlan, TaskRunner } from '../types.js';

/** A clock that moves one second forward every time it is read. */
export function steppingClock(startIso = '2026-11-22T10:00:00.000Z'): Clock {
  let now = Date.parse(startIso);
  return {
    now: () => {
      const date = new Date(now);
      now += 1000;
      return date;
    },
  };
}

export function tempHistory(): { store: HistoryStore; url: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-stage-'));
  const url = `file:${path.join(dir, 'history.jsonl')}`;
  return { store: openHistoryStore(url, { baseDir: dir, logger: createMemoryLogger() }), url, dir };
}

let ids = 0;
export const sequentialIds = (): string => `id-${++ids}`;

export function makeContext(overrides: Partial<TaskContext> = {}): TaskContext {
  const { store, dir } = tempHistory();
  return {
    project: 'shop',
    stage: 'hardening',
    service: 'carts',
    version: '1.4.2',
    labels: {},
    sequence: 'delivery',
    runId: 'run-1',
    configDir: dir,
    previous: [],
    env: {},
    history: store,
    clock: steppingClock(),
    logger: createMemoryLogger(),
    signal: new AbortController().signal,
    ...overrides,
  };
}

export function task(name: string, extra: Partial<ShipyardTask> = {}): ShipyardTask {
  return { name, properties: {}, ...extra };
}

/** A runner answering from a script, recording each task it ran with what it saw before. */
export function scriptedRunner(
  name: string,
  answer: (task: ShipyardTask, context: TaskContext) => TaskOutcome | Promise<TaskOutcome>,
): TaskRunner & { ran: { task: string; previous: string[] }[] } {
  const ran: { task: string; previous: string[] }[] = [];
  return {
    name,
    ran,
    plan: (t): TaskPlan => ({ task: t.name, runner: name, description: name, commands: [], files: [] }),
    run: async (t, context) => {
      ran.push({ task: t.name, previous: context.previous.map((p) => p.task) });
      return answer(t, context);
    },
  };
}

export const passing: TaskOutcome = { result: 'pass', status: 'succeeded', message: 'ok' };
