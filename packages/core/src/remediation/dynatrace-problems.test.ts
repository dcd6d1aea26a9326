// The Problems API v2 client against the strict Dynatrace stand-in (test/support/dynatrace-stand-in.ts),
// answering with the recorded bodies of fixtures/dynatrace/ (and the BUILT ones SOURCES.md marks).
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { ConfigError, ExternalSystemError, UsageError } from '../errors.js';
import { createHttpClient, type HttpClient } from '../http/http-client.js';
import {
  CLASSIC,
  PLATFORM,
  startStandIn,
  type StandIn,
} from '../providers/dynatrace/test-support/stand-in.js';
import { createRedactor } from '../redaction/redaction.js';
import { createDynatraceProblems, type DynatraceProblems } from './dynatrace-problems.js';
import { problemFromType } from './problem-input.js';
import { problemOfApi } from './problems-v2-model.js';
import type { Problem } from './types.js';

const OPEN_ID = '-6004362228644432354_1638271020000V2';
const CLOSED_ID = '-1719139739592062093_1623004451641V2';
const PROBLEMS = '/api/v2/problems';

let standIn: StandIn | undefined;
let sleeps: number[] = [];

afterEach(async () => {
  if (standIn === undefined) return;
  expect(standIn.violations).toEqual([]);
  expect(standIn.unusedExpectations()).toEqual([]);
  await standIn.close();
  standIn = undefined;
  sleeps = [];
});

async function client(
  token = CLASSIC,
  http: { timeoutMs?: number; retries?: number } = {},
): Promise<{ problems: DynatraceProblems; dt: StandIn }> {
  const dt = await startStandIn(token);
  standIn = dt;
  const redactor = createRedactor();
  redactor.add(token);
  const httpClient = createHttpClient({
    timeoutMs: http.timeoutMs ?? 5000,
    retries: http.retries ?? 2,
    logger: createMemoryLogger(),
    redactor,
    userAgent: 'ci-connect-test',
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  const endpoint = { url: dt.url, token, tokenEnv: 'DT_API_TOKEN' };
  return { problems: createDynatraceProblems({ endpoint, http: httpClient, redactor }), dt };
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('get: GET /api/v2/problems/{problemId}', () => {
  it('reads an open problem (recorded): title, status, impacted entities, a link, no root cause', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: `${PROBLEMS}/${OPEN_ID}`,
      query: {},
      respond: 'problems-v2_200_get-problem_open_no-root-cause_evidence-with-event-data',
    });
    expect(await problems.get(OPEN_ID)).toEqual({
      source: 'dynatrace',
      problemId: OPEN_ID,
      displayId: 'P-211117376',
      title: 'Mobile app slow user actions',
      status: 'open',
      impactedEntities: [
        {
          id: 'MOBILE_APPLICATION-89B1A1E7FE894151',
          name: '📱 easyTravel Mobile',
          type: 'MOBILE_APPLICATION',
        },
      ],
      url: `${dt.url}/#problems/problemdetails;pid=${OPEN_ID}`,
    });
    expect(dt.requests[0]?.authorization).toBe(`Api-Token ${CLASSIC}`);
  });

  it('reads a closed problem (status CLOSED) and keeps its rootCauseEntity out of rootCause (Keptn had none)', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: `${PROBLEMS}/${CLOSED_ID}`,
      query: {},
      respond: 'problems-v2_200_get-problem_closed_root-cause_evidence-event-and-metric_recent-comments',
    });
    const problem = await problems.get(` ${CLOSED_ID} `);
    expect(problem).toMatchObject({
      displayId: 'P-210617',
      title: 'Multiple infrastructure problems',
      status: 'closed',
    });
    expect(problem.rootCause).toBeUndefined();
    expect(problem.target).toBeUndefined();
  });

  it('is a ConfigError "no problem" for a 404, naming the id and the flag', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: `${PROBLEMS}/-1_1V2`,
      query: {},
      respond: 'problems-v2_404_get-problem_not-found_BUILT',
    });
    const error = await caught(problems.get('-1_1V2'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `no problem -1_1V2 in the Dynatrace environment ${dt.url}: Problem with ID -1_1V2 not found`,
    );
    expect((error as ConfigError).hint).toMatch(/^give --problem-id a problemId .*; check DT_URL/);
  });

  it('is a ConfigError naming problems.read for a 403 (recorded), without the token', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: `${PROBLEMS}/${OPEN_ID}`,
      query: {},
      respond: 'error_403_missing-scope_problems-read',
    });
    const error = (await caught(problems.get(OPEN_ID))) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /refused the token for GET .*\/problems\/.* with HTTP 403: Token is missing required scope/,
    );
    expect(error.hint).toBe('give the token in DT_API_TOKEN the scope problems.read');
    expect(`${error.message} ${error.hint}`).not.toContain(CLASSIC);
  });

  it('names the platform permission for a platform token', async () => {
    const { problems, dt } = await client(PLATFORM);
    dt.expect({
      path: `${PROBLEMS}/${OPEN_ID}`,
      query: {},
      respond: 'error_403_missing-scope_problems-read',
    });
    const error = (await caught(problems.get(OPEN_ID))) as ConfigError;
    expect(error.hint).toBe('give the token in DT_API_TOKEN the scope environment-api:problems:read');
    expect(dt.requests[0]?.authorization).toBe(`Bearer ${PLATFORM}`);
  });

  it('says to check the token for a 401 (recorded)', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: `${PROBLEMS}/${OPEN_ID}`,
      query: {},
      respond: 'error_401_missing-authorization-parameter',
    });
    const error = (await caught(problems.get(OPEN_ID))) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.hint).toBe('the token is missing, invalid or expired: check DT_API_TOKEN');
  });

  it('retries a GET that met a 503, then reads the problem', async () => {
    const { problems, dt } = await client();
    dt.expect({ path: `${PROBLEMS}/${OPEN_ID}`, query: {}, respond: { status: 503, body: 'busy' } });
    dt.expect({
      path: `${PROBLEMS}/${OPEN_ID}`,
      query: {},
      respond: 'problems-v2_200_get-problem_open_no-root-cause_evidence-with-event-data',
    });
    expect((await problems.get(OPEN_ID)).status).toBe('open');
    expect(dt.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('is an ExternalSystemError (exit 3) when the environment keeps failing', async () => {
    const { problems, dt } = await client(CLASSIC, { retries: 1 });
    dt.expect({
      path: `${PROBLEMS}/${OPEN_ID}`,
      query: {},
      respond: { status: 500, body: 'down' },
      times: 2,
    });
    const error = await caught(problems.get(OPEN_ID));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect((error as ExternalSystemError).exitCode).toBe(3);
  });

  it('is an ExternalSystemError (exit 3) when nothing answers at the environment URL', async () => {
    const { dt } = await client();
    const url = dt.url;
    await dt.close();
    standIn = undefined;
    const redactor = createRedactor();
    const http = createHttpClient({
      timeoutMs: 2000,
      retries: 1,
      logger: createMemoryLogger(),
      redactor,
      userAgent: 'test',
      sleep: () => Promise.resolve(),
    });
    const problems = createDynatraceProblems({
      endpoint: { url, token: CLASSIC, tokenEnv: 'DT_API_TOKEN' },
      http,
      redactor,
    });
    const error = await caught(problems.get(OPEN_ID));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toContain(`GET ${url}/api/v2/problems/${OPEN_ID}`);
    expect(error.message).not.toContain(CLASSIC);
  });

  it('is an ExternalSystemError when a 200 is not a problem', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: `${PROBLEMS}/${OPEN_ID}`,
      query: {},
      respond: 'problems-v2_200_list_empty_totalCount-0',
    });
    const error = await caught(problems.get(OPEN_ID));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(/not a Problems API v2 problem/);
  });
});

describe('get: a P- display id through problemSelector=displayId("P-…")', () => {
  const selector = (id: string) => ({ problemSelector: `displayId("${id}")`, from: 'now-30d' });

  it('finds the problem in the list (recorded)', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: PROBLEMS,
      query: selector('P-201114'),
      respond: 'problems-v2_200_list_one-closed-problem_root-cause_aws-tags',
    });
    expect(await problems.get('P-201114')).toMatchObject({
      source: 'dynatrace',
      problemId: '-8130375692469737113_1604628540000V2',
      displayId: 'P-201114',
      title: 'Classic Load Balancer has a high backend error rate',
      status: 'closed',
    });
  });

  it('takes the problem with that display id from the page, whatever else the page holds (p- as P-)', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: PROBLEMS,
      query: selector('P-210619'),
      respond: 'problems-v2_200_list_two-problems_totalCount-11_EDITED',
    });
    expect(await problems.get('p-210619')).toMatchObject({
      problemId: '-8720840650528236841_1623003540000V2',
      displayId: 'P-210619',
      status: 'closed',
    });
  });

  it('reads a bare number as a display id, as older notifications wrote {ProblemID}', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: PROBLEMS,
      query: selector('P-201114'),
      respond: 'problems-v2_200_list_one-closed-problem_root-cause_aws-tags',
    });
    expect((await problems.get('201114')).displayId).toBe('P-201114');
  });

  it('refuses an empty id before any request (exit 2)', async () => {
    const { problems, dt } = await client();
    const error = await caught(problems.get('  '));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect(dt.requests).toEqual([]);
  });

  it('follows nextPageKey alone to the next page', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: PROBLEMS,
      query: selector('P-201114'),
      respond: 'problems-v2_200_list_page-1-of-2_nextPageKey_BUILT',
    });
    dt.expect({
      path: PROBLEMS,
      query: { nextPageKey: 'AQAAABQBAAAABQ==' },
      respond: 'problems-v2_200_list_one-closed-problem_root-cause_aws-tags',
    });
    expect((await problems.get('P-201114')).problemId).toBe('-8130375692469737113_1604628540000V2');
  });

  it('is a ConfigError "no problem" when the list has none (recorded empty list)', async () => {
    const { problems, dt } = await client();
    dt.expect({ path: PROBLEMS, query: selector('P-1'), respond: 'problems-v2_200_list_empty_totalCount-0' });
    const error = await caught(problems.get('P-1'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`no problem P-1 in the Dynatrace environment ${dt.url} since now-30d`);
  });
});

describe('comment: POST /api/v2/problems/{problemId}/comments', () => {
  const open: Problem = {
    source: 'dynatrace',
    problemId: OPEN_ID,
    title: 'Mobile app slow user actions',
    status: 'open',
    impactedEntities: [],
  };

  it('posts the message with context "ci-connect" and accepts 201 without a body', async () => {
    const { problems, dt } = await client();
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${OPEN_ID}/comments`,
      query: {},
      respond: { status: 201, body: '' },
    });
    await problems.comment(open, 'ci-connect remediate: scaling (scale up) ran; the gate passed');
    expect(dt.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      [
        'POST',
        `${PROBLEMS}/${OPEN_ID}/comments`,
        { message: 'ci-connect remediate: scaling (scale up) ran; the gate passed', context: 'ci-connect' },
      ],
    ]);
  });

  it('looks the problemId up first when the problem has only a display id (an event file)', async () => {
    const { problems, dt } = await client();
    dt.expect({
      path: PROBLEMS,
      query: { problemSelector: 'displayId("P-201114")', from: 'now-30d' },
      respond: 'problems-v2_200_list_one-closed-problem_root-cause_aws-tags',
    });
    const id = '-8130375692469737113_1604628540000V2';
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${id}/comments`,
      query: {},
      respond: { status: 201, body: '' },
    });
    await problems.comment(
      { ...open, problemId: undefined, displayId: 'P-201114', source: 'event-file' },
      'hi',
    );
    expect(dt.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('refuses a problem known by its type alone before any request', async () => {
    const { problems, dt } = await client();
    const error = await caught(problems.comment(problemFromType('Response time degradation'), 'hi'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'the problem "Response time degradation" has no Dynatrace problem id to write to',
    );
    expect(dt.requests).toEqual([]);
  });

  it('is a ConfigError naming problems.write for a 403', async () => {
    const { problems, dt } = await client();
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${OPEN_ID}/comments`,
      query: {},
      respond: 'error_403_missing-scope_problems-write_BUILT',
    });
    const error = (await caught(problems.comment(open, 'hi'))) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.hint).toBe('give the token in DT_API_TOKEN the scope problems.write');
  });

  it('never sends a comment twice: a POST that timed out is not retried', async () => {
    const { problems, dt } = await client(CLASSIC, { timeoutMs: 300, retries: 3 });
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${OPEN_ID}/comments`,
      query: {},
      respond: { status: 201, body: '' },
      delayMs: 1500,
    });
    const error = await caught(problems.comment(open, 'hi'));
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(dt.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('never sends a comment twice: a POST answered 503 is not retried', async () => {
    const { problems, dt } = await client(CLASSIC, { retries: 3 });
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${OPEN_ID}/comments`,
      query: {},
      respond: { status: 503, body: '' },
    });
    expect(await caught(problems.comment(open, 'hi'))).toBeInstanceOf(ExternalSystemError);
    expect(dt.requests).toHaveLength(1);
  });
});

describe('close: POST /api/v2/problems/{problemId}/close', () => {
  const problem: Problem = {
    source: 'dynatrace',
    problemId: CLOSED_ID,
    title: 'Multiple infrastructure problems',
    status: 'open',
    impactedEntities: [],
  };

  it('closes with the message as the closing comment: 200 (recorded) is closed', async () => {
    const { problems, dt } = await client();
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${CLOSED_ID}/close`,
      query: {},
      respond: 'problems-v2_200_post-close_closing-true_with-comment',
    });
    expect(await problems.close(problem, 'Closing this. 1234')).toBe('closed');
    expect(dt.requests[0]?.body).toEqual({ message: 'Closing this. 1234' });
  });

  it('says already-closed for 204 without a body', async () => {
    const { problems, dt } = await client();
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${CLOSED_ID}/close`,
      query: {},
      respond: { status: 204, body: '' },
    });
    expect(await problems.close(problem, 'done')).toBe('already-closed');
  });

  it('is a ConfigError "no problem" for a 404', async () => {
    const { problems, dt } = await client();
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${CLOSED_ID}/close`,
      query: {},
      respond: 'problems-v2_404_get-problem_not-found_BUILT',
    });
    const error = await caught(problems.close(problem, 'done'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /^no problem -1719139739592062093_1623004451641V2 in the Dynatrace environment/,
    );
  });

  it('never closes twice: a POST answered 500 is an ExternalSystemError after one request', async () => {
    const { problems, dt } = await client(CLASSIC, { retries: 3 });
    dt.expect({
      method: 'POST',
      path: `${PROBLEMS}/${CLOSED_ID}/close`,
      query: {},
      respond: { status: 500, body: '' },
    });
    expect(await caught(problems.close(problem, 'done'))).toBeInstanceOf(ExternalSystemError);
    expect(dt.requests).toHaveLength(1);
  });
});

describe('SaaS hosts: the token decides the API host, the link is the classic one', () => {
  /** A client that sends every request to the stand-in, remembering the host it was meant for. */
  function routed(dt: StandIn, hosts: string[]): HttpClient {
    const inner = createHttpClient({
      timeoutMs: 5000,
      retries: 0,
      logger: createMemoryLogger(),
      redactor: createRedactor(),
      userAgent: 'test',
    });
    return {
      request: (request) => {
        const target = new URL(request.url);
        hosts.push(`${target.host}${target.pathname}`);
        return inner.request({ ...request, url: `${dt.url}${target.pathname}${target.search}` });
      },
    };
  }

  it.each([
    [
      'a classic token: the .live. host',
      CLASSIC,
      'abc12345.live.dynatrace.com/api/v2',
      `${PROBLEMS}/${OPEN_ID}`,
    ],
    [
      'a platform token: the .apps. host',
      PLATFORM,
      'abc12345.apps.dynatrace.com/platform/classic/environment-api/v2',
      `/platform/classic/environment-api/v2/problems/${OPEN_ID}`,
    ],
  ])('%s', async (_name, token, api, path) => {
    const dt = await startStandIn(token);
    standIn = dt;
    dt.expect({
      path,
      query: {},
      respond: 'problems-v2_200_get-problem_open_no-root-cause_evidence-with-event-data',
    });
    const hosts: string[] = [];
    const problems = createDynatraceProblems({
      endpoint: { url: 'https://abc12345.apps.dynatrace.com', token, tokenEnv: 'DT_API_TOKEN' },
      http: routed(dt, hosts),
      redactor: createRedactor(),
    });
    const problem = await problems.get(OPEN_ID);
    expect(hosts).toEqual([`${api}/problems/${OPEN_ID}`]);
    expect(problem.url).toBe(`https://abc12345.live.dynatrace.com/#problems/problemdetails;pid=${OPEN_ID}`);
  });
});

describe('problemOfApi: keptn tags of the affected entities', () => {
  it('names the project, stage and service from keptn_* entity tags, as the notification Tags did', async () => {
    const { readFileSync } = await import('node:fs');
    const body = JSON.parse(
      readFileSync(
        new URL(
          '../../../../fixtures/dynatrace/problems-v2_200_get-problem_open_no-root-cause_evidence-with-event-data.json',
          import.meta.url,
        ),
        'utf8',
      ),
    ) as Record<string, unknown>;
    // EDITED here: the recorded problem's tags, plus the keptn_* tags a Keptn-onboarded service carries.
    const tag = (key: string, value: string) => ({
      context: 'CONTEXTLESS',
      key,
      value,
      stringRepresentation: `${key}:${value}`,
    });
    body.entityTags = [
      ...(body.entityTags as unknown[]),
      tag('keptn_project', 'sockshop'),
      tag('keptn_stage', 'production'),
      tag('keptn_service', 'carts'),
    ];
    expect(problemOfApi(body, 'https://abc.live.dynatrace.com', 'GET').target).toEqual({
      project: 'sockshop',
      stage: 'production',
      service: 'carts',
    });
  });
});
