import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../errors.js';
import { listServices, listStages, resolveOverlayFile, resolveServiceFiles } from './service-files.js';
import { fixture, makeTempDir, removeTempDirs } from './test-support/diagnostics.js';

const shop = fixture('projects', 'shop', '.ci-connect');
const rel = (path: string) => relative(shop, path);
afterAll(removeTempDirs);

describe('resolveServiceFiles', () => {
  it.each([
    [undefined, 'base/carts/slo.yaml', { prometheus: 'base/carts/sli/prometheus.yaml' }],
    // No overlay directory for the stage: the base applies unchanged.
    ['dev', 'base/carts/slo.yaml', { prometheus: 'base/carts/sli/prometheus.yaml' }],
    // The overlay adds a provider and keeps the base SLO.
    [
      'hardening',
      'base/carts/slo.yaml',
      {
        prometheus: 'base/carts/sli/prometheus.yaml',
        dynatrace: 'stages/hardening/carts/sli/dynatrace.yaml',
      },
    ],
    // The overlay replaces the SLO and one SLI file, file by file.
    [
      'production',
      'stages/production/carts/slo.yaml',
      { prometheus: 'stages/production/carts/sli/prometheus.yaml' },
    ],
  ])('carts in stage %s', async (stage, slo, sli) => {
    const files = await resolveServiceFiles({
      configDir: shop,
      service: 'carts',
      ...(stage ? { stage } : {}),
    });
    expect(rel(files.slo)).toBe(slo);
    expect(Object.fromEntries(Object.entries(files.sli).map(([p, f]) => [p, rel(f)]))).toEqual(sli);
    expect(files.stage).toBe(stage);
  });

  it('keeps a relative config directory relative', async () => {
    const configDir = relative(process.cwd(), shop);
    const files = await resolveServiceFiles({ configDir, service: 'orders' });
    expect(files.slo).toBe(join(configDir, 'base', 'orders', 'slo.yaml'));
    expect(files.sli).toEqual({ jmeter: join(configDir, 'base', 'orders', 'sli', 'jmeter.yaml') });
  });

  it('says how to point at the config directory when it does not exist', async () => {
    const error = await rejection(
      resolveServiceFiles({ configDir: 'nowhere/.ci-connect', service: 'carts' }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('config directory not found: nowhere/.ci-connect');
    expect(error.hint).toContain('--config-dir (env CI_CONNECT_CONFIG_DIR)');
  });

  it('lists the services there are when the service does not exist', async () => {
    const error = await rejection(resolveServiceFiles({ configDir: shop, service: 'cart', stage: 'dev' }));
    expect(error.message).toBe(`no service "cart" in ${shop} (looked in base/ or stages/dev/)`);
    expect(error.hint).toBe('the services there are: carts, orders');
  });

  it('says where it looked for slo.yaml', async () => {
    const dir = await makeTempDir();
    await mkdir(join(dir, 'base', 'carts', 'sli'), { recursive: true });
    await writeFile(join(dir, 'base', 'carts', 'sli', 'prometheus.yaml'), 'indicators: {a: up}\n');
    const error = await rejection(resolveServiceFiles({ configDir: dir, service: 'carts', stage: 'dev' }));
    expect(error.message).toBe('no slo.yaml for service "carts"');
    expect(error.hint).toBe(
      `looked for ${join(dir, 'stages/dev/carts/slo.yaml')} and ${join(dir, 'base/carts/slo.yaml')}`,
    );
  });

  it('refuses two SLI files for one provider in one directory', async () => {
    const dir = await makeTempDir();
    await mkdir(join(dir, 'base', 'carts', 'sli'), { recursive: true });
    await writeFile(join(dir, 'base', 'carts', 'slo.yaml'), '');
    await writeFile(join(dir, 'base', 'carts', 'sli', 'prometheus.yaml'), '');
    await writeFile(join(dir, 'base', 'carts', 'sli', 'prometheus.yml'), '');
    const error = await rejection(resolveServiceFiles({ configDir: dir, service: 'carts' }));
    expect(error.message).toMatch(
      /^two SLI files for one provider: .*prometheus\.yaml and .*prometheus\.yml$/,
    );
  });

  it.each([['../etc'], ['a/b'], ['.hidden'], ['']])('refuses the service name %j', async (service) => {
    const error = await rejection(resolveServiceFiles({ configDir: shop, service }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('(--service)');
  });

  it('refuses a bad stage name', async () => {
    const error = await rejection(resolveServiceFiles({ configDir: shop, service: 'carts', stage: '..' }));
    expect(error.message).toBe('invalid stage name ".." (--stage)');
  });
});

describe('listing', () => {
  it('lists services from base/ and every stage overlay, and the stages with overlays', async () => {
    expect(await listServices(shop)).toEqual(['carts', 'orders']);
    expect(await listStages(shop)).toEqual(['hardening', 'production']);
  });

  it('resolves any service file through the overlay', async () => {
    const values = await resolveOverlayFile({
      configDir: shop,
      service: 'carts',
      stage: 'production',
      file: 'helm/values.yaml',
    });
    expect(values && rel(values)).toBe('base/carts/helm/values.yaml');
    expect(
      await resolveOverlayFile({ configDir: shop, service: 'carts', file: 'remediation.yaml' }),
    ).toBeUndefined();
  });
});

async function rejection(promise: Promise<unknown>): Promise<ConfigError | UsageError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}
