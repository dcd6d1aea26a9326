/**
 * The `git:` history store under real push races: ten jobs, each in its own clone with its own
 * store, append five records at the same moment to one branch of one bare remote. Every push
 * that loses the race is re-applied on the new tip, so nothing is lost, nothing is duplicated
 * and the branch's history is a straight line.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMemoryLogger } from '../packages/core/src/environment.js';
import type { HistoryRecord } from '../packages/core/src/history/history-store.js';
import { sampleEvaluation } from '../packages/core/src/history/test-support/history-store-contract.js';
import { createGitWorld, git, jobState, openGitStore, type GitWorld } from './support/git-remote.js';
import { describeWithReal } from './support/real-components.js';

const BRANCH = 'ci-connect-history';
const JOBS = 10;
const RECORDS_PER_JOB = 5;

describeWithReal(git, 'git: history store with concurrent pushers', () => {
  let world: GitWorld;

  beforeAll(() => {
    world = createGitWorld(mkdtempSync(path.join(tmpdir(), 'ci-connect-git-race-')));
  });
  afterAll(() => rmSync(world.root, { recursive: true, force: true }));

  it(`loses nothing when ${JOBS} jobs push ${RECORDS_PER_JOB} records each at once, and keeps the branch linear`, async () => {
    const jobs = Array.from({ length: JOBS }, (_, job) => {
      const dir = world.clone(`job${job}`);
      const logger = createMemoryLogger();
      return {
        dir,
        logger,
        before: jobState(dir, world.env),
        store: openGitStore(`git:${BRANCH}`, dir, world.env, { logger }),
      };
    });
    // Every store reads the branch first (as evaluate does for its baseline), so all start from
    // the same tip and every push but the first finds it moved.
    await Promise.all(jobs.map(({ store }) => store.query({ limit: 1 })));
    await Promise.all(
      jobs.map(({ store }, job) =>
        Promise.all(
          Array.from({ length: RECORDS_PER_JOB }, (_, n) =>
            store.append(sampleEvaluation(`job${job}-record${n}`, { service: `svc${job}` })),
          ),
        ),
      ),
    );
    await Promise.all(jobs.map(({ store }) => store.close()));

    const lines = world.inRemote('cat-file', 'blob', `${BRANCH}:history.jsonl`).trim().split('\n');
    const ids = lines.map((line) => (JSON.parse(line) as HistoryRecord).id);
    expect(ids).toHaveLength(JOBS * RECORDS_PER_JOB);
    expect(new Set(ids).size).toBe(JOBS * RECORDS_PER_JOB);
    // A job's records stay in the order it appended them.
    for (let job = 0; job < JOBS; job++) {
      const mine = ids.filter((id) => id.startsWith(`job${job}-`));
      expect(mine).toEqual(Array.from({ length: RECORDS_PER_JOB }, (_, n) => `job${job}-record${n}`));
    }
    // A straight line: one root, no merges, every commit on the first-parent chain.
    const commits = Number(world.inRemote('rev-list', '--count', BRANCH));
    expect(Number(world.inRemote('rev-list', '--count', '--first-parent', BRANCH))).toBe(commits);
    expect(world.inRemote('rev-list', '--merges', BRANCH).trim()).toBe('');
    expect(world.inRemote('rev-list', '--max-parents=0', BRANCH).trim().split('\n')).toHaveLength(1);
    // One commit per batch a job pushed: at least one per job, at most one per record.
    expect(commits).toBeGreaterThanOrEqual(JOBS);
    expect(commits).toBeLessThanOrEqual(JOBS * RECORDS_PER_JOB);
    const retried = jobs.filter(({ logger }) =>
      logger.lines.some((line) => line.message.includes('pushed to')),
    );
    expect(retried.length).toBeGreaterThan(0);
    for (const { dir, before } of jobs) expect(jobState(dir, world.env)).toEqual(before);
  }, 120_000);
});
