// problemFromEventFile over every problem payload in fixtures/remediation/ (SOURCES.md there):
// what dynatrace-service and remediation-service read from them, and the refusals.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../errors.js';
import { problemFromEventFile, problemFromType, problemKey } from './problem-input.js';
import type { Problem } from './types.js';

const DIR = new URL('../../../../fixtures/remediation/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');
const fromFixture = (name: string) => problemFromEventFile(read(name), name);

const TEST_ENTITIES = [
  { id: 'HOST-XXXXXXXXXXXXX', name: 'MyHost1', type: 'HOST' },
  { id: 'SERVICE-XXXXXXXXXXXXX', name: 'MyService1', type: 'SERVICE' },
];
const ITEMS_CONTROLLER = [{ id: 'SERVICE-1016B63497E3FEF6', name: 'ItemsController', type: 'SERVICE' }];
const P21127 = {
  source: 'event-file',
  displayId: 'P-21127',
  title: 'Response time degradation',
  status: 'open',
  impactedEntities: [],
  url: 'link',
  target: { project: 'sockshop', stage: 'production', service: 'carts' },
} as const;

/** dynatrace-service's "send test notification" problem, as read from its payloads. */
const TEST_NOTIFICATION: Problem = {
  source: 'event-file',
  displayId: 'P-999',
  title: 'Dynatrace problem notification test run',
  status: 'open',
  impactedEntities: TEST_ENTITIES,
  url: 'https://example.com',
  target: { project: 'shop', stage: 'production', service: 'carts' },
};
/** The same, routed to the keptn_* tags' shop2/production2/carts2. */
const TEST_NOTIFICATION_SHOP2: Problem = {
  ...TEST_NOTIFICATION,
  target: { project: 'shop2', stage: 'production2', service: 'carts2' },
};
/** The recorded RESOLVED synthetic-outage notification, as notified and as dynatrace-service forwarded it. */
const SYNTHETIC_OUTAGE_CLOSED: Problem = {
  source: 'event-file',
  problemId: '-6478017825120311599_1641223491837V2',
  displayId: 'P-22013994',
  title: 'Browser monitor global outage',
  status: 'closed',
  impactedEntities: [
    { id: 'SYNTHETIC_TEST-7DA5E1111C898644', name: 'Third Party Monitor', type: 'SYNTHETIC_TEST' },
  ],
  url: 'https://test.com/#problems/problemdetails;pid=-6478017825120311599_1641223491837V2',
  target: { project: 'shop', stage: 'production', service: 'carts' },
};

/** Every payload file, and the problem read from it. */
const EXPECTED: Record<string, Problem> = {
  'problem-notification_keptn-template_open_send-test-notification.json': TEST_NOTIFICATION,
  // keptn_* tags override KeptnProject/KeptnStage/KeptnService (dynatrace-service's open_problem_with_tags).
  'problem-notification_keptn-template_open_keptn-tags_EDITED.json': TEST_NOTIFICATION_SHOP2,
  // State RESOLVED is closed; PID is the full problemId here.
  'problem-notification_keptn-template_resolved_synthetic-outage_problemdetails-v1.json':
    SYNTHETIC_OUTAGE_CLOSED,
  // Keptn 0.6: PID without the V2 suffix (ProblemDetails.id has it), ProblemID the bare number, no URL,
  // project/stage/service from the Tags alone ("keptn_service:carts, keptn_deployment:primary, ...").
  'problem-notification_keptn-0.6_open_response-time-degradation_tags_EXTRACTED.json': {
    source: 'event-file',
    problemId: '3088340342325389746_1578471300000V2',
    displayId: 'P-746',
    title: 'Response time degradation',
    status: 'open',
    impactedEntities: ITEMS_CONTROLLER,
    target: { project: 'sockshop', stage: 'production', service: 'carts' },
  },
  'problem-notification_keptn-0.6_resolved_response-time-degradation_tags_EXTRACTED.json': {
    source: 'event-file',
    problemId: '-175196579159161496_1578561060000V2',
    displayId: 'P-496',
    title: 'Response time degradation',
    status: 'closed',
    impactedEntities: ITEMS_CONTROLLER,
    target: { project: 'sockshop', stage: 'production', service: 'carts' },
  },
  // What dynatrace-service forwarded for a RESOLVED notification: State rewritten to CLOSED.
  'problem-closed_dynatrace-service_forwarded_EXPECTED.json': SYNTHETIC_OUTAGE_CLOSED,
  'remediation-triggered_dynatrace-service_from-open-problem_EXPECTED.json': TEST_NOTIFICATION,
  // data.project/stage/service (what Keptn routed on) win over the problem's own Keptn* fields.
  'remediation-triggered_dynatrace-service_tags-override_EXPECTED.json': TEST_NOTIFICATION_SHOP2,
  // PID "asdf" is no problemId; ProblemID P-21127 identifies it.
  'remediation-triggered_keptn-datastore_succeeded-sequence_EXTRACTED.json': P21127,
  'remediation-triggered_keptn-datastore_errored-sequence_EXTRACTED.json': P21127,
};

describe('problemFromEventFile: every payload in fixtures/remediation', () => {
  it('has an expectation for every payload there (and refuses the two that are not one)', () => {
    const files = readdirSync(DIR).filter((name) => name.endsWith('.json'));
    const notPayloads = ['get-action-triggered_remediation-service-test_HANDWRITTEN.json'];
    expect(files.filter((name) => !notPayloads.includes(name)).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    expect(fromFixture(name)).toEqual(expected);
  });

  it('keys a problem by its problemId, else by its display id', () => {
    expect(
      problemKey(
        fromFixture('problem-notification_keptn-0.6_open_response-time-degradation_tags_EXTRACTED.json'),
      ),
    ).toBe('3088340342325389746_1578471300000V2');
    expect(
      problemKey(fromFixture('remediation-triggered_keptn-datastore_succeeded-sequence_EXTRACTED.json')),
    ).toBe('P-21127');
  });
});

describe("problemFromEventFile: Keptn's problem fields, as Go decoded them", () => {
  it('reads problemTitle and rootCause in lower camel case (remediation-service test events)', () => {
    const event = JSON.stringify({
      type: 'sh.keptn.event.mystage.remediation.triggered',
      data: {
        project: 'myproject',
        service: 'myservice',
        problem: { problemTitle: 'Response time degradation', rootCause: 'Response time degradation' },
      },
    });
    expect(problemFromEventFile(event, 'payload.json')).toEqual({
      source: 'event-file',
      title: 'Response time degradation',
      rootCause: 'Response time degradation',
      status: 'open',
      impactedEntities: [],
      // The stage comes from the event type when data.stage is missing.
      target: { project: 'myproject', stage: 'mystage', service: 'myservice' },
    });
  });

  it('reads a notification posted without the CloudEvent envelope', () => {
    const raw = JSON.parse(read('problem-notification_keptn-template_open_send-test-notification.json')) as {
      data: unknown;
    };
    expect(problemFromEventFile(JSON.stringify(raw.data), 'body.json')).toEqual(
      EXPECTED['problem-notification_keptn-template_open_send-test-notification.json'],
    );
  });

  it('reads Dynatrace\'s default custom-integration payload (ProblemDetailsJSON, "Problem URL")', () => {
    // The keys of the default payload template Dynatrace proposes for a custom integration
    // (https://www.dynatrace.com/support/help/observe-and-explore/notifications-and-alerting/problem-notifications/webhook-integration),
    // BUILT here with the values of the recorded RESOLVED notification.
    const payload = {
      ImpactedEntities: [
        { type: 'SYNTHETIC_TEST', name: 'Third Party Monitor', entity: 'SYNTHETIC_TEST-7DA5E1111C898644' },
      ],
      ImpactedEntity: 'Browser monitor global outage for Synthetic monitor Third Party Monitor',
      PID: '-6478017825120311599_1641223491837V2',
      ProblemDetailsHTML: '<div>…</div>',
      ProblemDetailsJSON: { id: '-6478017825120311599_1641223491837V2', displayName: 'P-22013994' },
      ProblemID: '22013994',
      ProblemImpact: 'APPLICATION',
      ProblemTitle: 'Browser monitor global outage',
      'Problem URL':
        'https://abc.live.dynatrace.com/#problems/problemdetails;pid=-6478017825120311599_1641223491837V2',
      State: 'OPEN',
      Tags: 'keptn_project:shop, keptn_stage:production, keptn_service:carts',
    };
    expect(problemFromEventFile(JSON.stringify(payload), 'default.json')).toEqual({
      source: 'event-file',
      problemId: '-6478017825120311599_1641223491837V2',
      displayId: 'P-22013994',
      title: 'Browser monitor global outage',
      status: 'open',
      impactedEntities: [
        { id: 'SYNTHETIC_TEST-7DA5E1111C898644', name: 'Third Party Monitor', type: 'SYNTHETIC_TEST' },
      ],
      url: payload['Problem URL'],
      target: { project: 'shop', stage: 'production', service: 'carts' },
    });
  });

  it('reads Problems API v2 shaped details (problemId, displayId) when PID and ProblemID say less', () => {
    const payload = {
      State: 'OPEN',
      ProblemTitle: 'x',
      PID: '99999',
      ProblemDetailsJSON: { problemId: '-1_2V2', displayId: 'P-3' },
    };
    expect(problemFromEventFile(JSON.stringify(payload), 'v2.json')).toMatchObject({
      problemId: '-1_2V2',
      displayId: 'P-3',
    });
  });

  it('takes the Problem URL label of a remediation.triggered event when the problem has no ProblemURL', () => {
    const event = {
      type: 'sh.keptn.event.production.remediation.triggered',
      data: {
        labels: { 'Problem URL': 'https://abc.live.dynatrace.com/#problems' },
        problem: { ProblemTitle: 'x' },
      },
    };
    expect(problemFromEventFile(JSON.stringify(event), 'e.json').url).toBe(
      'https://abc.live.dynatrace.com/#problems',
    );
  });

  it('counts a problem merged into another as closed: that one is remediated on its own notification', () => {
    const payload = { State: 'MERGED', ProblemTitle: 'x', PID: '-1_2V2' };
    expect(problemFromEventFile(JSON.stringify(payload), 'merged.json').status).toBe('closed');
  });

  it('accepts a UTF-8 byte order mark', () => {
    const text = `\uFEFF${read('problem-notification_keptn-template_open_send-test-notification.json')}`;
    expect(problemFromEventFile(text, 'bom.json').title).toBe('Dynatrace problem notification test run');
  });
});

describe('problemFromEventFile: what it refuses, saying where and what is accepted', () => {
  function refusal(text: string, file = 'payload.json'): ConfigError {
    try {
      problemFromEventFile(text, file);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('accepted');
  }

  it('names file:line:col of a JSON syntax error', () => {
    const error = refusal('{\n  "type": "sh.keptn.events.problem",\n  "data": {"State": "OPEN",}\n}\n');
    expect(error.message).toMatch(/^payload\.json:3:28: not JSON \(/);
    expect(error.hint).toMatch(/remediation\.triggered/);
    expect(error.exitCode).toBe(2);
  });

  it('says that an unfilled notification template has placeholders, at the first one', () => {
    const name = 'problem-notification_keptn-template_PLACEHOLDERS_DOCUMENTED.json.tmpl';
    const error = refusal(read(name), name);
    expect(error.message).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}:15:27: not JSON`));
    expect(error.hint).toMatch(/^\{ProblemDetailsJSON\} is a placeholder of the notification template/);
  });

  it.each<[string, string, RegExp]>([
    ['an array', '[]', /payload\.json: the payload is an array, not a JSON object/],
    ['an empty object', '{}', /payload\.json: not a problem notification or a Keptn event/],
    [
      'another Keptn event',
      '{"type":"sh.keptn.event.evaluation.finished","data":{}}',
      /a sh\.keptn\.event\.evaluation\.finished event does not name a problem/,
    ],
    [
      'an event without data',
      '{"type":"sh.keptn.events.problem"}',
      /the sh\.keptn\.events\.problem event has no "data" object/,
    ],
    [
      'remediation.triggered without a problem',
      '{"type":"sh.keptn.event.prod.remediation.triggered","data":{}}',
      /has no data\.problem object/,
    ],
    ['a notification without State', '{"ProblemTitle":"x","PID":"1"}', /payload\.json: State is missing/],
    [
      'an unknown State',
      '{"type":"sh.keptn.events.problem","data":{"ProblemTitle":"x","State":"MAYBE"}}',
      /data\.State "MAYBE" is not a problem state/,
    ],
    [
      'no title and no root cause',
      '{"type":"sh.keptn.events.problem","data":{"State":"OPEN","PID":"1"}}',
      /data\.ProblemTitle is missing: the payload names no problem/,
    ],
  ])('refuses %s', (_what, text, message) => {
    const error = refusal(text);
    expect(error.message).toMatch(message);
    expect(error.hint).toBeDefined();
  });

  it('refuses the get-action.triggered event of remediation-service’s tests: it is no problem notification', () => {
    const name = 'get-action-triggered_remediation-service-test_HANDWRITTEN.json';
    expect(refusal(read(name), name).message).toBe(
      `${name}: a sh.keptn.event.get-action.triggered event does not name a problem to remediate`,
    );
  });
});

describe('problemFromType', () => {
  it('is an open problem titled with the type, without ids', () => {
    const problem = problemFromType('Response time degradation');
    expect(problem).toEqual({
      source: 'problem-type',
      title: 'Response time degradation',
      status: 'open',
      impactedEntities: [],
    });
    expect(problemKey(problem)).toBeUndefined();
  });

  it('trims the flag value and refuses an empty one (exit 2)', () => {
    expect(problemFromType('  default\n').title).toBe('default');
    expect(() => problemFromType('  ')).toThrow(UsageError);
  });
});
