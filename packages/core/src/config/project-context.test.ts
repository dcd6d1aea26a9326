import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../errors.js';
import type { ProjectConfig } from './project-config.js';
import {
  defaultHistoryUrl,
  findOnlyService,
  resolveHistoryUrl,
  resolveOnWarning,
  resolveTarget,
} from './project-context.js';

const config = (extra: Partial<ProjectConfig>): ProjectConfig => ({
  root: '/p',
  defaults: {},
  providers: {},
  events: {},
  helm: {},
  tasks: {},
  ...extra,
});

describe('project context', () => {
  it('keeps history beside the config directory unless --history or ci-connect.yaml says where', () => {
    expect(defaultHistoryUrl('deploy/.ci-connect')).toBe('file:deploy/.ci-connect/history.jsonl');
    expect(resolveHistoryUrl(undefined, undefined, 'cfg')).toBe('file:cfg/history.jsonl');
    expect(resolveHistoryUrl(undefined, config({ history: 'file:/h.jsonl' }), 'cfg')).toBe('file:/h.jsonl');
    expect(resolveHistoryUrl('file:x.jsonl', config({ history: 'file:/h.jsonl' }), 'cfg')).toBe(
      'file:x.jsonl',
    );
  });

  it('takes --on-warning, else defaults.onWarning, else pass', () => {
    expect(resolveOnWarning(undefined, undefined)).toBe('pass');
    expect(resolveOnWarning(undefined, config({ defaults: { onWarning: 'fail' } }))).toBe('fail');
    expect(resolveOnWarning('warn', config({ defaults: { onWarning: 'fail' } }))).toBe('warn');
  });

  it('finds the one service; none is a ConfigError, several a UsageError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-connect-context-'));
    mkdirSync(join(dir, 'base'));
    await expect(findOnlyService(dir)).rejects.toBeInstanceOf(ConfigError);
    mkdirSync(join(dir, 'base', 'carts'));
    await expect(findOnlyService(dir)).resolves.toBe('carts');
    mkdirSync(join(dir, 'base', 'orders'));
    await expect(findOnlyService(dir)).rejects.toBeInstanceOf(UsageError);
  });

  it('resolves project, stage and service from the flags, else ci-connect.yaml, else the only service or default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-connect-context-'));
    mkdirSync(join(dir, 'base', 'carts'), { recursive: true });
    const shop = config({ project: 'shop', defaults: { stage: 'hardening' } });
    await expect(resolveTarget({}, shop, dir)).resolves.toEqual({
      project: 'shop',
      stage: 'hardening',
      service: 'carts',
    });
    await expect(resolveTarget({ stage: 'dev', service: 'orders' }, shop, dir)).resolves.toEqual({
      project: 'shop',
      stage: 'dev',
      service: 'orders',
    });
    await expect(resolveTarget({}, undefined, undefined)).resolves.toEqual({
      project: 'default',
      stage: 'default',
      service: 'default',
    });
  });
});
