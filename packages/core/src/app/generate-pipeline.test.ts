import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keptnExample } from '../config/test-support/diagnostics.js';
import { createMemoryLogger } from '../environment.js';
import { ConfigError, UsageError } from '../errors.js';
import { generatePipeline, type GeneratePipelineRequest } from './generate-pipeline.js';

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A repository root with a config directory at `configDir` holding the quickstart shipyard. */
async function repository(options: { config?: string; services?: string[]; configDir?: string } = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'ci-connect-generate-'));
  roots.push(cwd);
  const configDir = join(cwd, options.configDir ?? '.ci-connect');
  await mkdir(configDir, { recursive: true });
  await copyFile(keptnExample('examples_quickstart_shipyard.yaml'), join(configDir, 'shipyard.yaml'));
  if (options.config !== undefined) await writeFile(join(configDir, 'ci-connect.yaml'), options.config);
  for (const service of options.services ?? ['carts'])
    await mkdir(join(configDir, 'base', service), { recursive: true });
  return { cwd, logger: createMemoryLogger() };
}

function request(overrides: Partial<GeneratePipelineRequest> = {}): GeneratePipelineRequest {
  return { ci: 'github', configDir: '.ci-connect', force: false, output: '-', ...overrides };
}

describe('generatePipeline', () => {
  it('uses the CI’s default history, writes nothing for --output -, and names every service', async () => {
    const host = await repository({ services: ['orders', 'carts'] });
    const result = await generatePipeline(request(), host);
    expect(result.path).toBeUndefined();
    expect(result.plan.history).toBe('git:ci-connect-history');
    expect(result.plan.services).toEqual(['carts', 'orders']);
    await expect(readFile(join(host.cwd, '.github/workflows/ci-connect.yml'))).rejects.toThrow(/ENOENT/);
  });

  it('keeps ci-connect.yaml’s history unless it is a file on the runner', async () => {
    const shared = await repository({ config: 'history: postgres://ci@db.example.com/ci_history\n' });
    expect((await generatePipeline(request({ ci: 'jenkins' }), shared)).plan.history).toBe(
      'postgres://ci@db.example.com/ci_history',
    );
    const local = await repository({ config: 'history: file:history.jsonl\n' });
    expect((await generatePipeline(request({ ci: 'jenkins' }), local)).plan.history).toBe(
      'git:ci-connect-history',
    );
    expect(local.logger.lines.map((l) => l.message)).toContain(
      "ci-connect.yaml's history is a file, which is gone when a CI job ends: the pipeline uses git:ci-connect-history (--history to choose)",
    );
  });

  it('names a config directory that is not the default, relative to the repository, in the jobs', async () => {
    const host = await repository({ configDir: 'deploy/keptn' });
    const result = await generatePipeline(
      request({ ci: 'gitlab', configDir: join('deploy', 'keptn') }),
      host,
    );
    expect(result.plan.configDir).toBe('deploy/keptn');
    expect(result.text).toContain('config_dir: deploy/keptn\n');
    expect(result.text).toContain(
      '# Regenerate after changing the shipyard: ci-connect generate pipeline --ci gitlab --config-dir deploy/keptn\n',
    );
  });

  it.each([
    [{ configDir: '../elsewhere' }, UsageError, /outside the directory generate pipeline runs in/],
    [{ history: 'postgres://ci:hunter2@db/h' }, UsageError, /would be committed/],
  ])('refuses %j', async (overrides, type, message) => {
    const host = await repository();
    const error = await generatePipeline(request(overrides), host).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('accepts a CI variable in place of a password', async () => {
    const host = await repository();
    const history = 'git:h@https://oauth2:${HISTORY_TOKEN}@gitlab.example.com/shop/app.git';
    expect((await generatePipeline(request({ history }), host)).plan.history).toBe(history);
  });

  it('says how to add a service when the config directory has none (exit 2)', async () => {
    const host = await repository({ services: [] });
    await expect(generatePipeline(request(), host)).rejects.toThrow(ConfigError);
  });

  it('writes the conventional file, creating its directory, and leaves equal bytes alone', async () => {
    const host = await repository();
    const first = await generatePipeline(request({ output: undefined }), host);
    expect(first.path).toBe(join(host.cwd, '.github/workflows/ci-connect.yml'));
    expect(first.changed).toBe(true);
    expect(await readFile(first.path!, 'utf8')).toBe(first.text);
    expect((await generatePipeline(request({ output: undefined }), host)).changed).toBe(false);
  });
});
