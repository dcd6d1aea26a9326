import { startIngestServer, type IngestServer } from '../test-support/ingest-server.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../environment.js';
import { createRedactor } from '../redaction/redaction.js';
import { makeEvaluationRecord, makeObjectiveResult } from '../test-support/records.js';
import { buildEvaluationEvent, reportEvaluationToDynatrace } from './evaluation-event.js';

const GITLAB = { GITLAB_CI: 'true', CI_JOB_URL: 'https://gitlab.example.com/shop/carts/-/jobs/812' };

describe('buildEvaluationEvent', () => {
  it('is a CUSTOM_INFO with result, score, the evaluation and the CI job', () => {
    const evaluation = makeEvaluationRecord({
      version: '1.4.2',
      result: 'warning',
      score: 83.33333333333334,
      labels: { buildId: '812' },
      objectives: [
        makeObjectiveResult({ sli: 'response_time_p95', status: 'warning', value: 612.5 }),
        makeObjectiveResult({ sli: 'error_rate', displayName: 'Error rate', status: 'fail', value: null }),
        makeObjectiveResult({ sli: 'throughput', status: 'pass', value: 90 }),
        makeObjectiveResult({ sli: 'cpu', status: 'info', value: 3 }),
      ],
    });
    expect(buildEvaluationEvent(evaluation, { env: GITLAB })).toEqual({
      eventType: 'CUSTOM_INFO',
      title: 'Quality gate warning for carts 1.4.2 in hardening: score 83.33%',
      entitySelector: 'type(SERVICE),tag(service:carts)',
      properties: {
        project: 'sockshop',
        stage: 'hardening',
        service: 'carts',
        version: '1.4.2',
        ci: 'gitlab',
        ciBackLink: GITLAB.CI_JOB_URL,
        result: 'warning',
        score: '83.33333333333334',
        evaluationId: evaluation.id,
        evaluationStart: evaluation.start,
        evaluationEnd: evaluation.end,
        objectivesNotPassed: 'response_time_p95: warning (612.5); Error rate (error_rate): fail (no value)',
        'label.buildId': '812',
      },
    });
  });

  it('leaves the version out when there is none, and uses the configured selector', () => {
    const event = buildEvaluationEvent(makeEvaluationRecord(), {
      entitySelector: 'type(SERVICE),tag(app:$SERVICE),tag(env:$STAGE)',
      env: {},
    });
    expect(event.title).toBe('Quality gate pass for carts in hardening: score 100%');
    expect(event.entitySelector).toBe('type(SERVICE),tag(app:carts),tag(env:hardening)');
    expect(event.properties).not.toHaveProperty('version');
    expect(event.properties).not.toHaveProperty('objectivesNotPassed');
  });

  it('keeps a long list of objectives that did not pass readable (bounded)', () => {
    const objectives = Array.from({ length: 200 }, (_, i) =>
      makeObjectiveResult({ sli: `indicator_with_a_long_name_${i}`, status: 'fail', value: i }),
    );
    const event = buildEvaluationEvent(makeEvaluationRecord({ result: 'fail', objectives }), { env: {} });
    expect(event.properties.objectivesNotPassed).toHaveLength(1000);
    expect(event.properties.objectivesNotPassed?.endsWith('…')).toBe(true);
  });
});

describe('reportEvaluationToDynatrace', () => {
  const TOKEN =
    'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.UNITSECRETUNITSECRETUNITSECRETUNITSECRETUNITSECRETUNITSECRET';
  let server: IngestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function dynatrace(status: number, body: unknown): Promise<IngestServer> {
    server = await startIngestServer(status, body);
    return server;
  }

  it('sends the event once and says so', async () => {
    const api = await dynatrace(201, {
      reportCount: 1,
      eventIngestResults: [{ correlationId: 'abc123', status: 'OK' }],
    });
    const logger = createMemoryLogger();
    const outcome = await reportEvaluationToDynatrace(makeEvaluationRecord(), {
      env: { DT_URL: api.url, DT_API_TOKEN: TOKEN },
      redactor: createRedactor(),
      logger,
    });
    expect(outcome?.reportCount).toBe(1);
    expect(api.bodies).toHaveLength(1);
    expect(logger.lines).toContainEqual({
      level: 'info',
      message:
        'sent the result to Dynatrace as CUSTOM_INFO on type(SERVICE),tag(service:carts) (correlation id abc123)',
    });
  });

  it('turns a rejected event into a warning that keeps the token out (the verdict stands)', async () => {
    const api = await dynatrace(401, { error: { code: 401, message: `Token ${TOKEN} is invalid` } });
    const logger = createMemoryLogger();
    const outcome = await reportEvaluationToDynatrace(makeEvaluationRecord(), {
      env: { DT_URL: api.url, DT_API_TOKEN: TOKEN },
      redactor: createRedactor(),
      logger,
    });
    expect(outcome).toBeUndefined();
    const warning = logger.lines.find((l) => l.level === 'warn')?.message ?? '';
    expect(warning).toMatch(/^the result is recorded, but was not sent to Dynatrace: .*401/);
    expect(JSON.stringify(logger.lines)).not.toContain('UNITSECRET');
  });

  it('warns, without a request, when Dynatrace is not configured', async () => {
    const logger = createMemoryLogger();
    await reportEvaluationToDynatrace(makeEvaluationRecord(), {
      env: {},
      redactor: createRedactor(),
      logger,
    });
    expect(logger.lines.map((l) => l.level)).toEqual(['warn']);
    expect(logger.lines[0]?.message).toContain('needs DT_URL and DT_API_TOKEN');
  });
});
