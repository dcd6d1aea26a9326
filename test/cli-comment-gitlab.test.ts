// `ci-connect comment` as a GitLab merge request pipeline runs it: the real CLI against a strict
// stand-in for GitLab's notes API answering with recorded responses (fixtures/gitlab/). The note
// is created, then edited in place on a re-run; a token that may not write notes, no token and
// no merge request are notices with exit 0; an unreachable GitLab is exit 3; no token leaks.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { createGateProject } from './support/gate-project.js';
import { readGitLabFixture, startGitLabStandIn, type GitLabStandIn } from './support/gitlab-stand-in.js';
import { startForwardProxy, type ForwardProxy } from './support/forward-proxy.js';
import { findFreePort } from './support/free-port.js';
import { defineRealComponent, detectCommand, itWithReal } from './support/real-components.js';
import { makeSelfSignedCert } from './support/self-signed.js';

const TOKEN = 'glpat-Zq8vN3xTr7KpLm2Wd5Yb';
const PROJECT_ID = '187725';
const IID = '1';
const NOTES = `/api/v4/projects/${PROJECT_ID}/merge_requests/${IID}/notes`;
const LIST_QUERY = { per_page: '100' };
const openssl = defineRealComponent({
  name: 'openssl',
  installHint: 'apt-get install -y openssl',
  detect: () => detectCommand('openssl'),
});
const MARKER = '<!-- ci-connect:gate shop/hardening/carts -->';

let standIn: GitLabStandIn | undefined;
let proxy: ForwardProxy | undefined;
afterEach(async () => {
  await standIn?.close();
  await proxy?.close();
  standIn = undefined;
  proxy = undefined;
});

function gitlabEnv(apiUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITLAB_CI: 'true',
    CI_API_V4_URL: apiUrl,
    CI_PROJECT_ID: PROJECT_ID,
    CI_PROJECT_URL: 'https://gitlab.example.com/shop/carts',
    CI_MERGE_REQUEST_IID: IID,
    CI_JOB_URL: 'https://gitlab.example.com/shop/carts/-/jobs/812',
    CI_CONNECT_GITLAB_TOKEN: TOKEN,
    ...extra,
  };
}

/** Runs a gate in the project, writing ci-connect-report/evaluation.json and recording history. */
async function gate(dir: string, values: 'pass' | 'warning' | 'fail', version: string): Promise<void> {
  const run = await runCli(
    [
      'evaluate',
      '--service',
      'carts',
      '--values',
      `${values}.json`,
      '--version',
      version,
      '--report-dir',
      'ci-connect-report',
    ],
    { cwd: dir },
  );
  expect([0, 1], run.stderr).toContain(run.exitCode);
}

/** A stand-in for a merge request without our note yet: it expects the list of notes, then the new note. */
async function startStandInForNewNote(tls?: { key: Buffer; cert: Buffer }): Promise<GitLabStandIn> {
  const started = await startGitLabStandIn({ token: TOKEN, ...(tls === undefined ? {} : { tls }) });
  return started
    .expect({ method: 'GET', path: NOTES, query: LIST_QUERY, respond: { status: 200, body: [] } })
    .expect({ method: 'POST', path: NOTES, respond: 'mr-note-create_201' });
}

function expectNoLeak(run: CliRun, dir: string): void {
  for (const text of [
    run.stdout,
    run.stderr,
    readFileSync(path.join(dir, '.ci-connect/history.jsonl'), 'utf8'),
  ])
    expect(text).not.toContain(TOKEN);
}

function expectStrict(s: GitLabStandIn): void {
  expect(s.violations).toEqual([]);
  expect(s.unusedExpectations()).toEqual([]);
}

describe('comment on a GitLab merge request', () => {
  it('creates the note, then edits the same note in place on a re-run', async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    standIn = await startGitLabStandIn({ token: TOKEN });
    standIn
      .expect({
        method: 'GET',
        path: NOTES,
        query: LIST_QUERY,
        respond: 'mr-notes-list_200_has-danger-bot-note',
      })
      .expect({ method: 'POST', path: NOTES, respond: 'mr-note-create_201' });
    const first = await runCli(['comment', '--json'], { cwd: dir, env: gitlabEnv(standIn.apiUrl) });
    expect(first.exitCode, first.stderr).toBe(0);
    expectStrict(standIn);
    expect(JSON.parse(first.stdout)).toMatchObject({
      kind: 'comment',
      status: 'created',
      noteId: 113977323,
      url: 'https://gitlab.example.com/shop/carts/-/merge_requests/1#note_113977323',
    });
    const posted = standIn.requests.find((r) => r.method === 'POST')?.body?.body as string;
    expect(posted.startsWith(MARKER)).toBe(true);
    expect(posted).toContain('1.0.0');
    expectNoLeak(first, dir);

    // The re-run: a new evaluation; the list now holds our note among danger's and GitLab's.
    await gate(dir, 'warning', '1.0.1');
    const recorded = JSON.parse(readGitLabFixture('mr-notes-list_200_has-danger-bot-note').body) as unknown[];
    const ours = { ...(JSON.parse(readGitLabFixture('mr-note-create_201').body) as object), body: posted };
    await standIn.close();
    standIn = await startGitLabStandIn({ token: TOKEN });
    standIn
      .expect({
        method: 'GET',
        path: NOTES,
        query: LIST_QUERY,
        respond: { status: 200, body: [...recorded, ours] },
      })
      .expect({ method: 'PUT', path: `${NOTES}/113977323`, respond: 'mr-note-update_200' });
    const second = await runCli(['comment'], { cwd: dir, env: gitlabEnv(standIn.apiUrl) });
    expect(second.exitCode, second.stderr).toBe(0);
    expectStrict(standIn);
    expect(second.stdout).toBe(
      'merge request note updated: https://gitlab.example.com/shop/carts/-/merge_requests/1#note_113977323\n',
    );
    const edited = standIn.requests.find((r) => r.method === 'PUT')?.body?.body as string;
    expect(edited.startsWith(MARKER)).toBe(true);
    expect(edited).toContain('1.0.1');
    // The heatmap of the gate's recent evaluations, from history: the first run is in it.
    expect(edited).toContain('Recent evaluations');
    expect(edited).toContain('1.0.0');
    expectNoLeak(second, dir);
  });

  it('posts a new note when its old one was deleted between the listing and the edit', async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    const ours = {
      ...(JSON.parse(readGitLabFixture('mr-note-create_201').body) as object),
      id: 113979999,
      body: `${MARKER}\nold`,
    };
    standIn = await startGitLabStandIn({ token: TOKEN });
    standIn
      .expect({ method: 'GET', path: NOTES, query: LIST_QUERY, respond: { status: 200, body: [ours] } })
      .expect({
        method: 'PUT',
        path: `${NOTES}/113979999`,
        respond: 'error_404_mr-note-update_note-not-found',
      })
      .expect({ method: 'POST', path: NOTES, respond: 'mr-note-create_201' });
    const run = await runCli(['comment', '--json'], { cwd: dir, env: gitlabEnv(standIn.apiUrl) });
    expect(run.exitCode, run.stderr).toBe(0);
    expectStrict(standIn);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'created', noteId: 113977323 });
  });

  it('exits 3 when GitLab answers 503 to the POST, which is not repeated', async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    standIn = await startGitLabStandIn({ token: TOKEN });
    standIn
      .expect({ method: 'GET', path: NOTES, query: LIST_QUERY, respond: { status: 200, body: [] } })
      .expect({
        method: 'POST',
        path: NOTES,
        respond: { status: 503, body: { message: '503 Service Unavailable' } },
      });
    const run = await runCli(['comment'], { cwd: dir, env: gitlabEnv(standIn.apiUrl) });
    expect(run.exitCode, run.stderr).toBe(3);
    expectStrict(standIn);
    expect(run.stderr).toContain('answered HTTP 503: 503 Service Unavailable');
    // A POST is sent once: a retry could post the note twice (expectStrict saw one POST).
    expectNoLeak(run, dir);
  });

  it.each([
    ['a job token (403)', 'error_403_forbidden_SYNTHETIC-edited-recording', '403'],
    ['an unknown token (401)', 'error_401_unauthorized_DOCUMENTED', '401'],
    ['a read_api token (403 insufficient_scope)', 'error_403_insufficient-scope_DOCUMENTED', '403'],
  ])('says so and exits 0 when GitLab refuses %s', async (_name, fixture, status) => {
    const dir = createGateProject();
    await gate(dir, 'fail', '2.0.0');
    standIn = await startGitLabStandIn({ token: TOKEN });
    standIn
      .expect({ method: 'GET', path: NOTES, query: LIST_QUERY, respond: { status: 200, body: [] } })
      .expect({ method: 'POST', path: NOTES, respond: fixture });
    const run = await runCli(['comment', '--json'], { cwd: dir, env: gitlabEnv(standIn.apiUrl) });
    expect(run.exitCode, run.stderr).toBe(0);
    expectStrict(standIn);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'skipped', reason: 'token-refused' });
    expect(run.stderr).toContain(`GitLab refused the note (${status}`);
    expect(run.stderr).toContain('a CI job token never may');
    expectNoLeak(run, dir);
  });

  it('takes the token from the variable --token-env names', async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    standIn = await startStandInForNewNote();
    const env = { ...gitlabEnv(standIn.apiUrl, { MR_BOT_TOKEN: TOKEN }), CI_CONNECT_GITLAB_TOKEN: '' };
    const run = await runCli(['comment', '--token-env', 'MR_BOT_TOKEN'], { cwd: dir, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expectStrict(standIn);
    expectNoLeak(run, dir);
  });

  // A merge request from a fork: its pipeline runs in the fork (CI_PROJECT_ID, CI_PROJECT_URL are
  // the fork's), the merge request and its iid belong to the target project.
  const FORK = {
    CI_PROJECT_ID: '999001',
    CI_PROJECT_URL: 'https://gitlab.example.com/jane/carts',
    CI_MERGE_REQUEST_PROJECT_ID: PROJECT_ID,
    CI_MERGE_REQUEST_PROJECT_URL: 'https://gitlab.example.com/shop/carts',
    CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '999001',
  };

  it("a merge request from a fork: the note goes on the target project's merge request", async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    standIn = await startStandInForNewNote();
    const run = await runCli(['comment', '--json'], { cwd: dir, env: gitlabEnv(standIn.apiUrl, FORK) });
    expect(run.exitCode, run.stderr).toBe(0);
    expectStrict(standIn);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'created',
      url: 'https://gitlab.example.com/shop/carts/-/merge_requests/1#note_113977323',
    });
  });

  it("a merge request from a fork without the token (the fork's pipeline has not the project's variables): says so", async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    standIn = await startGitLabStandIn({ token: TOKEN });
    const env = gitlabEnv(standIn.apiUrl, { ...FORK, CI_CONNECT_GITLAB_TOKEN: '' });
    const run = await runCli(['comment'], { cwd: dir, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('no token in CI_CONNECT_GITLAB_TOKEN');
    expect(run.stderr).toMatch(/merge request from a fork.*runs in the fork/s);
    expect(standIn.requests).toEqual([]);
  });

  it('goes through HTTP_PROXY like every other call, and straight to hosts in NO_PROXY', async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    proxy = await startForwardProxy();
    standIn = await startStandInForNewNote();
    const run = await runCli(['comment'], {
      cwd: dir,
      env: gitlabEnv(standIn.apiUrl, { HTTP_PROXY: proxy.url, NO_PROXY: '' }),
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expectStrict(standIn);
    expect(proxy.seen.map((s) => `${s.method} ${s.target}`)).toEqual([
      `GET ${standIn.apiUrl}/projects/187725/merge_requests/1/notes?per_page=100`,
      `POST ${standIn.apiUrl}/projects/187725/merge_requests/1/notes`,
    ]);

    await standIn.close();
    standIn = await startStandInForNewNote();
    const direct = await runCli(['comment'], {
      cwd: dir,
      env: gitlabEnv(standIn.apiUrl, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }),
    });
    expect(direct.exitCode, direct.stderr).toBe(0);
    expectStrict(standIn);
    expect(proxy.seen).toHaveLength(2);
  });

  itWithReal(
    openssl,
    'trusts a GitLab with a private CA through NODE_EXTRA_CA_CERTS, and says how when not',
    async () => {
      const dir = createGateProject();
      await gate(dir, 'pass', '1.0.0');
      const tls = makeSelfSignedCert(mkdtempSync(path.join(tmpdir(), 'ci-connect-gitlab-ca-')));
      standIn = await startStandInForNewNote(tls);
      // What the component does with the runner's CI_SERVER_TLS_CA_FILE.
      const trusted = await runCli(['comment'], {
        cwd: dir,
        env: gitlabEnv(standIn.apiUrl, { NODE_EXTRA_CA_CERTS: tls.caFile }),
      });
      expect(trusted.exitCode, trusted.stderr).toBe(0);
      expectStrict(standIn);

      const untrusted = await runCli(['comment'], { cwd: dir, env: gitlabEnv(standIn.apiUrl) });
      expect(untrusted.exitCode, untrusted.stderr).toBe(3);
      expect(untrusted.stderr).toMatch(/certificate/);
      expect(untrusted.stderr).toMatch(/hint: .*--ca-file or set NODE_EXTRA_CA_CERTS/);
    },
  );

  it.each([
    ['no merge request', { CI_MERGE_REQUEST_IID: '' }, 'not a merge request pipeline'],
    ['no token', { CI_CONNECT_GITLAB_TOKEN: '' }, 'no token in CI_CONNECT_GITLAB_TOKEN'],
    ['not GitLab', { GITLAB_CI: '' }, 'not a GitLab CI job'],
  ])('with %s: a notice, no request, exit 0', async (_name, change, notice) => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    standIn = await startGitLabStandIn({ token: TOKEN });
    const run = await runCli(['comment'], { cwd: dir, env: gitlabEnv(standIn.apiUrl, change) });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(notice);
    expect(standIn.requests).toEqual([]);
  });

  it('exits 3 with a hint when GitLab cannot be reached', async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    const port = await findFreePort();
    const run = await runCli(['comment'], { cwd: dir, env: gitlabEnv(`http://127.0.0.1:${port}/api/v4`) });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('could not write the note on merge request !1 of project 187725');
    expect(run.stderr).toContain('refused the connection (ECONNREFUSED) (after 3 attempts)');
    expect(run.stderr).toContain('hint: check the port in the URL');
    expectNoLeak(run, dir);
  });

  it('comments on an evaluation.json whose target lists are null (a tool that writes null for an empty list)', async () => {
    const dir = createGateProject();
    await gate(dir, 'pass', '1.0.0');
    const file = path.join(dir, 'ci-connect-report/evaluation.json');
    const record = JSON.parse(readFileSync(file, 'utf8')) as { objectives: Record<string, unknown>[] };
    for (const objective of record.objectives) objective.passTargets = objective.warningTargets = null;
    writeFileSync(file, JSON.stringify(record));
    standIn = await startGitLabStandIn({ token: TOKEN });
    standIn
      .expect({
        method: 'GET',
        path: NOTES,
        query: LIST_QUERY,
        respond: 'mr-notes-list_200_has-danger-bot-note',
      })
      .expect({ method: 'POST', path: NOTES, respond: 'mr-note-create_201' });
    const run = await runCli(['comment'], { cwd: dir, env: gitlabEnv(standIn.apiUrl) });
    expect(run.exitCode, run.stderr).toBe(0);
    expectStrict(standIn);
    expect(standIn.requests.find((r) => r.method === 'POST')?.body?.body).toContain('1.0.0');
  });

  it('exits 2 when there is no evaluation.json to comment on', async () => {
    const dir = createGateProject();
    const run = await runCli(['comment', '--report-dir', 'nowhere'], {
      cwd: dir,
      env: gitlabEnv('http://127.0.0.1:9/api/v4'),
    });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('nowhere/evaluation.json');
    expect(run.stderr).toContain('--report-dir');
  });
});
