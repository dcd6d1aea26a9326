/**
 * What the `git:` history store says when it cannot work, with real git: exit 2 when retrying
 * will not help (no repository, no such remote or branch name, credentials refused, a push the
 * remote refuses), exit 3 when the remote cannot be reached; and never a token from a remote
 * URL in a message, a hint, the location or the log. The HTTP remote is git's own
 * http-backend, so fetches and pushes are real.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { checkHistory } from '../packages/core/src/doctor/history-check.js';
import { createMemoryLogger } from '../packages/core/src/environment.js';
import { CiConnectError } from '../packages/core/src/errors.js';
import { GitHistoryStore } from '../packages/core/src/history/git/git-history-store.js';
import { parseGitHistoryUrl } from '../packages/core/src/history/git/git-history-url.js';
import type { HistoryStore } from '../packages/core/src/history/history-store.js';
import { sampleEvaluation } from '../packages/core/src/history/test-support/history-store-contract.js';
import { createProcessRedactor } from '../packages/core/src/redaction/credential-sources.js';
import { createRedactor } from '../packages/core/src/redaction/redaction.js';
import { runProcess } from '../packages/core/src/tools/process.js';
import { createGitWorld, git, gitIn, jobState, openGitStore, type GitWorld } from './support/git-remote.js';
import { findFreePort } from './support/free-port.js';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server.js';
import { describeWithReal } from './support/real-components.js';

const TOKEN = 'ghs_S3cretT0kenNeverShown42';
const BRANCH = 'ci-connect-history';

describeWithReal(git, 'git: history store failures', () => {
  let world: GitWorld;
  let job = '';
  const cleanUp: (() => Promise<void> | void)[] = [];

  function setUp(): GitWorld {
    world = createGitWorld(mkdtempSync(path.join(tmpdir(), 'ci-connect-git-fail-')));
    job = world.clone('job');
    cleanUp.push(() => rmSync(world.root, { recursive: true, force: true }));
    return world;
  }

  afterEach(async () => {
    for (const step of cleanUp.splice(0).reverse()) await step();
  });

  /** Opens a store with a memory logger and a redactor that knows nothing yet. */
  function open(url: string, baseDir = job, extra: { networkTimeoutMs?: number } = {}) {
    const logger = createMemoryLogger();
    const store = new GitHistoryStore({
      url: parseGitHistoryUrl(url),
      baseDir,
      context: { env: world.env, runProcess, redactor: createRedactor() },
      logger,
      ...extra,
    });
    cleanUp.push(() => store.close());
    return { store, logger };
  }

  /** The error `promise` rejects with: a CiConnectError with this exit code, with no token in it. */
  async function failure(
    promise: Promise<unknown>,
    exitCode: number,
    logger?: ReturnType<typeof createMemoryLogger>,
  ): Promise<CiConnectError> {
    const error: unknown = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CiConnectError);
    const { message, hint } = error as CiConnectError;
    expect((error as CiConnectError).exitCode, message).toBe(exitCode);
    const everything = `${message}\n${hint ?? ''}\n${JSON.stringify(logger?.lines ?? [])}`;
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.slice(4, 16));
    return error as CiConnectError;
  }

  it('is exit 2 outside a repository, for an unknown remote and for a bad branch name', async () => {
    setUp();
    const outside = path.join(world.root, 'not-a-repo');
    mkdirSync(outside);
    writeFileSync(path.join(outside, '.git'), 'not a repository\n');
    const noRepo = await failure(open(`git:${BRANCH}`, outside).store.get('x'), 2);
    expect(noRepo.message).toContain(`${outside} is not in a git repository`);
    expect(noRepo.hint).toContain('git:<branch>@https://host/repo.git');

    const noRemote = await failure(open(`git:${BRANCH}@upstream`).store.append(sampleEvaluation('a')), 2);
    expect(noRemote.message).toContain('has no remote "upstream"');
    expect(noRemote.message).toContain('(its remotes: origin)');

    const badName = await failure(open('git:bad..name').store.ready(), 2);
    expect(badName.message).toBe(
      '"bad..name" is not a valid branch name for the history (git check-ref-format)',
    );
  });

  it('is exit 3 for a remote that cannot be reached, and never shows the token in its URL', async () => {
    setUp();
    const port = await findFreePort(); // nothing listens on it
    const url = `http://x-access-token:${TOKEN}@127.0.0.1:${port}/shop/app.git`;
    const { store, logger } = open(`git:${BRANCH}@${url}`);
    expect(store.location).toBe(`git:${BRANCH}@http://127.0.0.1:${port}/shop/app.git`);
    const error = await failure(store.append(sampleEvaluation('a')), 3, logger);
    expect(error.message).toMatch(
      /^git could not fetch the history branch ci-connect-history from http:\/\/127\.0\.0\.1:\d+\/shop\/app\.git: fatal: unable to access/,
    );

    // The same URL as the job's own remote (GitLab's checkout puts the job token there).
    gitIn(job, world.env, 'remote', 'set-url', 'origin', url);
    const before = jobState(job, world.env);
    const redactor = createProcessRedactor({});
    const viaOrigin = new GitHistoryStore({
      url: parseGitHistoryUrl(`git:${BRANCH}`),
      baseDir: job,
      context: { env: world.env, runProcess, redactor },
      logger,
    });
    cleanUp.push(() => viaOrigin.close());
    await failure(viaOrigin.get('a'), 3, logger);
    expect(redactor.redact(`token ${TOKEN}`)).toBe('token ***');
    expect(jobState(job, world.env)).toEqual(before);
  });

  it('is exit 3 when the remote does not answer in time', async () => {
    setUp();
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanUp.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const { store } = open(`git:${BRANCH}@http://127.0.0.1:${port}/app.git`, job, { networkTimeoutMs: 1500 });
    const error = await failure(store.query({}), 3);
    expect(error.message).toContain('git fetch timed out');
  });

  it('logs in with the credentials the job carries, and is exit 2 with a hint when the remote refuses a push', async () => {
    setUp();
    const basic = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    const server = await serve({ authorization: basic, refusePush: true });
    // actions/checkout v6: the token is in a file the job's config includes for this repository only.
    const credentials = path.join(world.root, 'checkout-credentials.config');
    writeFileSync(credentials, `[http "${server.url}"]\n\textraheader = AUTHORIZATION: ${basic}\n`);
    gitIn(job, world.env, 'config', `includeIf.gitdir:${path.join(job, '.git')}.path`, credentials);
    gitIn(job, world.env, 'remote', 'set-url', 'origin', `${server.url}remote.git`);
    const before = jobState(job, world.env);

    const { store, logger } = open(`git:${BRANCH}`);
    expect(await store.query({})).toEqual([]);
    const error = await failure(store.append(sampleEvaluation('a')), 2, logger);
    expect(error.message).toContain(
      `git could not push to the history branch ${BRANCH} of ${server.url}remote.git`,
    );
    expect(error.message).toContain('403');
    expect(error.hint).toContain('permissions: contents: write');
    expect(error.hint).toContain('write_repository');
    expect(server.requests.every((request) => request.headers.authorization === basic)).toBe(true);
    expect(jobState(job, world.env)).toEqual(before);
  });

  it('doctor fetches the branch and dry-runs a push: ok, or failed with the push hint, and pushes nothing', async () => {
    setUp();
    const basic = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    const allowed = await serve({ authorization: basic });
    const doctor = (remote: string) =>
      checkHistory(
        {
          flag: `git:${BRANCH}@${remote.replace('://', `://x-access-token:${TOKEN}@`)}remote.git`,
          configDir: job,
        },
        { cwd: job, logger: createMemoryLogger(), redactor: createRedactor(), env: world.env, runProcess },
      );
    const ok = await doctor(allowed.url);
    expect(ok).toMatchObject({ name: 'history', status: 'ok' });
    expect(ok.detail).toContain(
      `no branch ${BRANCH} yet, the first evaluation creates it; a push would be accepted (dry run)`,
    );
    expect(ok.detail).not.toContain(TOKEN);
    expect(world.inRemote('for-each-ref', `refs/heads/${BRANCH}`)).toBe('');

    const readOnly = await serve({ authorization: basic, refusePush: true });
    const refused = await doctor(readOnly.url);
    expect(refused).toMatchObject({ name: 'history', status: 'fail', failure: 'config' });
    expect(refused.hint).toContain('permissions: contents: write');
    expect(JSON.stringify(refused)).not.toContain(TOKEN);
  });

  it('is exit 2 when the remote refuses the credentials', async () => {
    setUp();
    const server = await serve({ authorization: 'Basic bm9ib2R5OmhhcyB0aGlz' });
    const { store, logger } = open(
      `git:${BRANCH}@${server.url.replace('://', `://oauth2:${TOKEN}@`)}remote.git`,
    );
    const error = await failure(store.get('a'), 2, logger);
    expect(error.message).toContain('the remote refused the credentials');
  });

  it('works over HTTP with the token in the remote URL, and pushes without showing it', async () => {
    setUp();
    const basic = `Basic ${Buffer.from(`oauth2:${TOKEN}`).toString('base64')}`;
    const server = await serve({ authorization: basic });
    const url = `${server.url.replace('://', `://oauth2:${TOKEN}@`)}remote.git`;
    const logger = createMemoryLogger();
    const store = openGitStore(`git:${BRANCH}@${url}`, job, world.env, { logger });
    cleanUp.push(() => store.close());
    expect(store.location).not.toContain(TOKEN);
    await store.append(sampleEvaluation('a'));
    const reader = openGitStore(`git:${BRANCH}@${url}`, job, world.env);
    cleanUp.push(() => reader.close());
    expect(await reader.get('a')).toMatchObject({ id: 'a' });
    expect(JSON.stringify(logger.lines)).not.toContain(TOKEN);
  });

  it('counts a push whose answer was lost as written once the remote has the commit, and is exit 3 when it has not', async () => {
    setUp();
    // The remote takes the push and its answer never comes back: the record is there, once, and
    // the job says so (exit 3 would have the job run again and record the same result twice).
    const landed = await serve({ stallPush: 'apply-then-stall' });
    const { store } = open(`git:${BRANCH}@${landed.url}remote.git`, job, { networkTimeoutMs: 1500 });
    await store.append(sampleEvaluation('a'));
    const reader = openGitStore(`git:${BRANCH}@${landed.url}remote.git`, job, world.env);
    cleanUp.push(() => reader.close());
    expect((await reader.query({})).map((record) => record.id)).toEqual(['a']);

    // The push never reached the branch: a timeout, exit 3, and nothing recorded.
    const lost = await serve({ stallPush: 'stall' });
    const second = open(`git:${BRANCH}@${lost.url}remote.git`, job, { networkTimeoutMs: 1500 });
    const error = await failure(second.store.append(sampleEvaluation('b')), 3);
    expect(error.message).toContain('timed out');
    const after = openGitStore(`git:${BRANCH}@${landed.url}remote.git`, job, world.env);
    cleanUp.push(() => after.close());
    expect((await after.query({})).map((record) => record.id)).toEqual(['a']);
  });

  it('is exit 2 when the remote declines the push (a protected branch, a hook)', async () => {
    setUp();
    const hook = path.join(world.remote, 'hooks', 'pre-receive');
    mkdirSync(path.dirname(hook), { recursive: true });
    writeFileSync(
      hook,
      '#!/bin/sh\necho "GitLab: You are not allowed to push code to protected branches on this project." >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const { store } = open(`git:${BRANCH}`);
    const error = await failure(store.append(sampleEvaluation('a')), 2);
    expect(error.message).toContain('the remote does not let this job push there');
    expect(error.hint).toContain(`exempt ${BRANCH} from branch protection`);
  });

  it('is exit 2 when git is not installed', async () => {
    setUp();
    const store: HistoryStore = new GitHistoryStore({
      url: parseGitHistoryUrl(`git:${BRANCH}`),
      baseDir: job,
      context: { env: { ...world.env, PATH: '/nonexistent' }, runProcess, redactor: createRedactor() },
      logger: createMemoryLogger(),
    });
    const error = await failure(store.get('a'), 2);
    expect(error.message).toBe('git not found on PATH');
    expect(error.hint).toContain('install git (2.31 or newer)');
  });

  async function serve(options: {
    authorization?: string;
    refusePush?: boolean;
    stallPush?: 'apply-then-stall' | 'stall';
  }): Promise<GitHttpServer> {
    const server = await startGitHttpServer({ projectRoot: world.root, env: world.env, ...options });
    cleanUp.push(() => server.close());
    return server;
  }
});
