import { describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../config/project-config.js';
import { ConfigError } from '../errors.js';
import type { RemediationAction } from '../remediation/types.js';
import { runProcess } from '../tools/process.js';
import { actionEnv, planAction } from './remediation-actions.js';

const TOGGLE = { command: ['./toggle.sh'] };
const config = (tasks: ProjectConfig['tasks']): ProjectConfig => ({
  root: '/p',
  defaults: {},
  providers: {},
  events: {},
  helm: {},
  tasks,
});
const action = (id: string, value?: unknown): RemediationAction => ({
  action: id,
  name: id,
  description: '',
  ...(value === undefined ? {} : { value }),
});

describe('planAction', () => {
  it.each([
    [
      'a tasks command',
      { 'toggle-feature': TOGGLE },
      action('toggle-feature', { EnableItemCache: 'on' }),
      { kind: 'command', setting: TOGGLE },
    ],
    [
      'scaling without an entry, Keptn’s text value',
      {},
      action('scaling', '1'),
      { kind: 'scaling', increment: 1 },
    ],
    ['scaling with a number', {}, action('scaling', 2), { kind: 'scaling', increment: 2 }],
    ['scaling down', {}, action('scaling', ' -1 '), { kind: 'scaling', increment: -1 }],
    ['tasks.scaling: helm', { scaling: 'helm' }, action('scaling', '+3'), { kind: 'scaling', increment: 3 }],
    [
      'scaling through a command',
      { scaling: TOGGLE },
      action('scaling', 'x'),
      { kind: 'command', setting: TOGGLE },
    ],
    [
      'another action mapped to helm scales',
      { 'scale-up': 'helm' },
      action('scale-up', '1'),
      { kind: 'scaling', increment: 1 },
    ],
  ] as const)('%s', (_, tasks, given, expected) => {
    expect(planAction(config(tasks as ProjectConfig['tasks']), given, 'here')).toEqual(expected);
  });

  it.each([
    [
      'no runner, a near name',
      { 'toggle-feature': TOGGLE },
      action('toggle-featur'),
      'here: the remediation action "toggle-featur" has no runner',
      'did you mean "toggle-feature"?',
    ],
    [
      'no runner at all',
      {},
      action('restart'),
      'here: the remediation action "restart" has no runner',
      'tasks: {restart: {command:',
    ],
    [
      'a runner that cannot run an action',
      { restart: 'jmeter' },
      action('restart'),
      'here: tasks.restart names the jmeter runner, which cannot run a remediation action',
      'give tasks.restart a command',
    ],
    [
      'scaling by a mapping',
      {},
      action('scaling', { replicas: 2 }),
      'here: the scaling action\'s value {"replicas":2} is not a number of replicas',
      'value: "1"',
    ],
    [
      'scaling without a value',
      {},
      action('scaling'),
      "here: the scaling action's value null is not a number of replicas",
      'value: "1"',
    ],
    [
      'scaling by words',
      {},
      action('scaling', 'one more'),
      'here: the scaling action\'s value "one more" is not a number of replicas',
      'value: "1"',
    ],
  ] as const)('%s is exit 2 with where and how to fix it', (_, tasks, given, message, hint) => {
    let error: unknown;
    try {
      planAction(config(tasks), given, 'here');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(message);
    expect((error as ConfigError).hint).toContain(hint);
  });
});

describe('actionEnv', () => {
  const problem = {
    source: 'dynatrace' as const,
    title: 'Response time degradation',
    status: 'open' as const,
    impactedEntities: [],
  };

  it('passes text as written, a mapping as JSON, and the problem', () => {
    expect(
      actionEnv(action('toggle-feature', { EnableItemCache: 'on' }), {
        problem: { ...problem, url: 'https://dt/p' },
        problemKey: 'P-1',
      }),
    ).toEqual({
      CI_CONNECT_ACTION: 'toggle-feature',
      CI_CONNECT_ACTION_NAME: 'toggle-feature',
      CI_CONNECT_ACTION_VALUE: '{"EnableItemCache":"on"}',
      CI_CONNECT_PROBLEM_ID: 'P-1',
      CI_CONNECT_PROBLEM_TITLE: 'Response time degradation',
      CI_CONNECT_PROBLEM_URL: 'https://dt/p',
    });
    expect(actionEnv(action('scaling', '1'), { problem, problemKey: undefined })).toMatchObject({
      CI_CONNECT_ACTION_VALUE: '1',
      CI_CONNECT_PROBLEM_ID: '',
      CI_CONNECT_PROBLEM_URL: '',
    });
    expect(actionEnv(action('restart'), { problem, problemKey: undefined }).CI_CONNECT_ACTION_VALUE).toBe('');
  });

  it('a NUL in a payload’s title or an action’s value is passed escaped: the command still starts (no crash, exit 70)', async () => {
    const env = actionEnv(action('toggle-feature', 'on\u0000off'), {
      problem: { ...problem, title: 'Slow\u0000 checkout', url: 'https://dt/p\u0000' },
      problemKey: 'P-1',
    });
    expect(env).toMatchObject({
      CI_CONNECT_ACTION_VALUE: 'on\\0off',
      CI_CONNECT_PROBLEM_TITLE: 'Slow\\0 checkout',
      CI_CONNECT_PROBLEM_URL: 'https://dt/p\\0',
    });
    const run = await runProcess({
      argv: [process.execPath, '-e', 'process.stdout.write(process.env.CI_CONNECT_PROBLEM_TITLE)'],
      env: { PATH: process.env.PATH, ...env },
      timeoutMs: 20_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdoutTail).toBe('Slow\\0 checkout');
  });
});
