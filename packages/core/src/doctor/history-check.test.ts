import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './history-check.js';
import { doctorDeps, writeTree } from './test-support/doctor-deps.js';

const isRoot = process.getuid?.() === 0;

function depsIn(cwd: string) {
  return doctorDeps({}, { cwd });
}

describe('checkHistory', () => {
  it('is ok for an existing file, and changes nothing', async () => {
    const record = '{"schemaVersion":1,"id":"a","kind":"approval"}\n';
    const dir = writeTree({ '.ci-connect/history.jsonl': record });
    const result = await checkHistory({ configDir: '.ci-connect' }, depsIn(dir));
    expect(result).toEqual({
      name: 'history',
      status: 'ok',
      detail: `file:${dir}/.ci-connect/history.jsonl: ${record.length} bytes, readable and writable`,
    });
    expect(readdirSync(join(dir, '.ci-connect'))).toEqual(['history.jsonl']);
  });

  it('fails for a file that is no history, as evaluate would refuse it, and changes nothing', async () => {
    const content = 'root:x:0:0:root:/root:/bin/bash\n';
    const dir = writeTree({ '.ci-connect/history.jsonl': content });
    const result = await checkHistory({ configDir: '.ci-connect' }, depsIn(dir));
    expect(result).toMatchObject({ name: 'history', status: 'fail' });
    expect(result.detail).toContain('it is not a ci-connect history');
    expect(readdirSync(join(dir, '.ci-connect'))).toEqual(['history.jsonl']);
  });

  it('is ok when the file is not there yet but its directory can be written, creating nothing', async () => {
    const dir = writeTree({});
    const result = await checkHistory(
      { configDir: '.ci-connect', flag: 'file:state/runs/history.jsonl' },
      depsIn(dir),
    );
    expect(result).toEqual({
      name: 'history',
      status: 'ok',
      detail: `file:${dir}/state/runs/history.jsonl: no history yet; ${dir}/state/runs and the file will be created (in ${dir})`,
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('prefers --history over ci-connect.yaml over the config directory', async () => {
    const dir = writeTree({});
    const configured = await checkHistory(
      { configDir: '.ci-connect', configured: `file:${dir}/a.jsonl` },
      depsIn(dir),
    );
    expect(configured.detail).toContain(`file:${dir}/a.jsonl`);
    const flagged = await checkHistory(
      { configDir: '.ci-connect', configured: `file:${dir}/a.jsonl`, flag: 'file:b.jsonl' },
      depsIn(dir),
    );
    expect(flagged.detail).toContain(`file:${dir}/b.jsonl`);
  });

  // The store refuses a link (it never appends through one); doctor said "ok" for it.
  it('fails as a config problem when the path is a symbolic link, even to a history file', async () => {
    const dir = writeTree({ 'real.jsonl': '{"schemaVersion":1,"id":"a","kind":"note"}\n' });
    symlinkSync(join(dir, 'real.jsonl'), join(dir, 'history.jsonl'));
    const result = await checkHistory({ configDir: '.', flag: 'file:history.jsonl' }, depsIn(dir));
    expect(result).toMatchObject({
      status: 'fail',
      failure: 'config',
      detail: `file:${dir}/history.jsonl is a symbolic link; name the history file itself`,
    });
  });

  it('fails as a config problem when the path is a directory', async () => {
    const dir = writeTree({});
    mkdirSync(join(dir, 'history.jsonl'));
    const result = await checkHistory({ configDir: '.', flag: 'file:history.jsonl' }, depsIn(dir));
    expect(result).toMatchObject({
      status: 'fail',
      failure: 'config',
      detail: `file:${dir}/history.jsonl is a directory`,
    });
    expect(result.hint).toContain('--history');
  });

  it('fails as a config problem when a parent of the path is a file', async () => {
    const dir = writeTree({ blocker: 'a file' });
    const result = await checkHistory({ configDir: '.', flag: 'file:blocker/history.jsonl' }, depsIn(dir));
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toBe(`file:${dir}/blocker/history.jsonl: ${dir}/blocker is not a directory`);
  });

  it('fails as a config problem for a store kind ci-connect does not know', async () => {
    const result = await checkHistory(
      { configDir: '.', flag: 'mysql://user:pw@db/history' },
      depsIn(writeTree({})),
    );
    expect(result).toMatchObject({ status: 'fail', failure: 'config' });
    expect(result.detail).toContain('"mysql:" are not supported');
    expect(JSON.stringify(result)).not.toContain('pw@');
  });

  // Root may write anywhere, so only an unprivileged run can see a refusal.
  it.skipIf(isRoot)(
    'fails as a config problem when the directory cannot be written (skipped as root)',
    async () => {
      const dir = writeTree({});
      mkdirSync(join(dir, 'locked'));
      writeFileSync(join(dir, 'locked', 'history.jsonl'), '');
      chmodSync(join(dir, 'locked'), 0o500);
      const result = await checkHistory({ configDir: '.', flag: 'file:locked/history.jsonl' }, depsIn(dir));
      chmodSync(join(dir, 'locked'), 0o700);
      expect(result).toMatchObject({ status: 'fail', failure: 'config' });
      expect(result.detail).toContain('cannot be written (EACCES)');
    },
  );
});
