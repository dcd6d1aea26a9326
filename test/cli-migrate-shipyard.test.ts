// `ci-connect migrate shipyard` on Keptn's own legacy shipyards, as a migrating team runs it.
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { repoRoot } from './support/real-components.js';

const tempDirs: string[] = [];

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A config directory holding a Keptn example as its shipyard, and a ci-connect.yaml naming the project. */
async function configDirWith(example: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ci-connect-migrate-'));
  tempDirs.push(dir);
  const configDir = path.join(dir, '.ci-connect');
  await mkdir(configDir);
  await copyFile(
    path.join(repoRoot, 'fixtures/keptn-examples', example),
    path.join(configDir, 'shipyard.yaml'),
  );
  await writeFile(path.join(configDir, 'ci-connect.yaml'), 'project: sockshop\n');
  return configDir;
}

describe('migrate shipyard', () => {
  it('prints the 0.2 file on stdout and leaves the legacy file alone', async () => {
    const configDir = await configDirWith('examples-0.7.3_onboarding-carts_shipyard.yaml');
    const shipyard = path.join(configDir, 'shipyard.yaml');
    const before = await readFile(shipyard, 'utf8');
    const run = await runCli(['migrate', 'shipyard', '--config-dir', configDir]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.split('\r\n').slice(0, 4)).toEqual([
      'apiVersion: spec.keptn.sh/0.2.0',
      'kind: Shipyard',
      'metadata:',
      '  name: shipyard-sockshop',
    ]);
    expect(run.stdout).toContain('        - name: remediation\r\n');
    expect(run.stderr).toBe('');
    expect(await readFile(shipyard, 'utf8')).toBe(before);
  });

  it('--write replaces the file atomically; validate then passes with nothing to say; a second --write is refused', async () => {
    const configDir = await configDirWith('examples_simplenodeservice_shipyard_keptn07.yaml');
    const shipyard = path.join(configDir, 'shipyard.yaml');
    const legacyCheck = await runCli(['validate', '--config-dir', configDir]);
    expect(legacyCheck.exitCode, legacyCheck.stdout).toBe(0);
    // The warning that tells users to convert names the command that does it.
    expect(legacyCheck.stdout).toContain('convert it with `ci-connect migrate shipyard --write`');

    const run = await runCli(['migrate', 'shipyard', '--config-dir', configDir, '--write']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      `converted ${shipyard} to spec.keptn.sh/0.2.0 (3 stages); check it with ci-connect validate\n`,
    );
    // The registry key was dropped: said on stderr, at its line.
    expect(run.stderr).toContain(`${shipyard}:1:1 registry: ignored: registry named the container registry`);
    const written = await readFile(shipyard, 'utf8');
    expect(written).toMatch(/^apiVersion: spec\.keptn\.sh\/0\.2\.0\nkind: Shipyard\n/);
    expect(written).toContain('                teststrategy: performance_peak\n');
    expect(await readdir(configDir)).toEqual(['ci-connect.yaml', 'shipyard.yaml']);

    const check = await runCli(['validate', '--config-dir', configDir]);
    expect(check.exitCode, check.stdout).toBe(0);
    expect(check.stdout).toBe('2 files checked: 0 errors, 0 warnings\n');

    const again = await runCli(['migrate', 'shipyard', '--config-dir', configDir, '--write']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(
      `${shipyard} is already a spec.keptn.sh/0.2 shipyard (apiVersion: spec.keptn.sh/0.2.0): nothing to convert`,
    );
    expect(await readFile(shipyard, 'utf8')).toBe(written);
  });

  it('takes the file as an argument and keeps its permissions', async () => {
    const configDir = await configDirWith('examples-0.2.0_onboarding-carts_shipyard.yaml');
    const file = path.join(path.dirname(configDir), 'keptn-shipyard.yaml');
    await copyFile(path.join(configDir, 'shipyard.yaml'), file);
    await chmod(file, 0o640);
    await rm(path.join(configDir, 'ci-connect.yaml'));
    const run = await runCli(['migrate', 'shipyard', file, '--write'], { cwd: path.dirname(configDir) });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(await readFile(file, 'utf8')).toContain('apiVersion: spec.keptn.sh/0.2.0\r\n');
    // No ci-connect.yaml naming the project: the default name.
    expect(await readFile(file, 'utf8')).toContain('  name: shipyard\r\n');
  });

  it('--write through a symbolic link replaces the file it points to and keeps the link', async () => {
    const configDir = await configDirWith('examples_simplenodeservice_shipyard.yaml');
    const real = path.join(path.dirname(configDir), 'keptn-shipyard.yaml');
    await rename(path.join(configDir, 'shipyard.yaml'), real);
    await symlink(real, path.join(configDir, 'shipyard.yaml'));
    const run = await runCli(['migrate', 'shipyard', '--config-dir', configDir, '--write']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await lstat(path.join(configDir, 'shipyard.yaml'))).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toMatch(/^apiVersion: spec\.keptn\.sh\/0\.2\.0\n/);
  });

  it('--json prints one object with the new text, the stages and the warnings', async () => {
    const configDir = await configDirWith('examples_simplenodeservice_shipyard.yaml');
    const run = await runCli(['migrate', 'shipyard', '--config-dir', configDir, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      schemaVersion: 1,
      kind: 'shipyard-migration',
      file: path.join(configDir, 'shipyard.yaml'),
      written: false,
      apiVersion: 'spec.keptn.sh/0.2.0',
      stages: [
        { name: 'staging', sequences: ['delivery', 'delivery-direct'] },
        { name: 'prod', sequences: ['delivery', 'rollback', 'delivery-direct', 'remediation'] },
      ],
      warnings: [{ severity: 'warning', line: 1, column: 1, path: 'registry' }],
    });
    expect(result.text).toMatch(/^apiVersion: spec\.keptn\.sh\/0\.2\.0\n/);
  });

  it('a missing file or a legacy file with errors is exit 2, saying where', async () => {
    const configDir = await configDirWith('gitlab-tutorial_shipyard.yaml');
    const missing = await runCli(['migrate', 'shipyard', path.join(configDir, 'nope.yaml')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`${path.join(configDir, 'nope.yaml')}: file not found`);

    const shipyard = path.join(configDir, 'shipyard.yaml');
    await writeFile(shipyard, 'stages:\n  - name: dev\n    test_strategy: [functional]\n');
    const bad = await runCli(['migrate', 'shipyard', '--config-dir', configDir, '--write']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain(`${shipyard}:3:20 stages[0].test_strategy`);
    expect(await readFile(shipyard, 'utf8')).toBe(
      'stages:\n  - name: dev\n    test_strategy: [functional]\n',
    );
  });
});
