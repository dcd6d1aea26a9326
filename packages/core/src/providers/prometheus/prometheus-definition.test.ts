import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../redaction/redaction.js';
import { silentLogger, systemClock } from '../../environment.js';
import { prometheusDefinition } from './prometheus-definition.js';

describe('prometheusDefinition.offersBuiltIns', () => {
  const input = (settings: Record<string, object>, env: Record<string, string>) => ({
    settings,
    env,
    redactor: createRedactor(),
    clock: systemClock,
    logger: silentLogger,
  });
  it.each([
    [{}, {}, false],
    [{}, { PROMETHEUS_URL: 'http://127.0.0.1:9090' }, true],
    [{ prometheus: { url: 'http://prom:9090' } }, {}, true],
    [{ prometheus: { urlEnv: 'MY_PROM' } }, { MY_PROM: 'http://p' }, true],
    [{ prometheus: { urlEnv: 'MY_PROM' } }, { PROMETHEUS_URL: 'http://p' }, false],
  ])('settings %j with env %j: %s', (settings, env, expected) => {
    expect(prometheusDefinition.offersBuiltIns?.(input(settings, env))).toBe(expected);
  });
});
