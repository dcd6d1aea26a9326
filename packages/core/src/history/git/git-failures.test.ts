import { describe, expect, it } from 'vitest';
import { ConfigError, ExternalSystemError } from '../../errors.js';
import { classifyGitFailure, describeOutput, gitFailureError, type GitFailureKind } from './git-failures.js';

const output = (stderr: string, stdout = '', timedOut = false) => ({
  exitCode: timedOut ? null : 128,
  stdout,
  stderr,
  timedOut,
  aborted: false,
  command: 'git push',
});
const place = { location: 'git:history', branch: 'history', remote: 'https://github.com/shop/app.git' };

describe('classifyGitFailure', () => {
  it.each<[string, string, GitFailureKind]>([
    ['fetch first', `To x\n!\tabc:refs/heads/h\t[rejected] (fetch first)\nDone`, 'race'],
    [
      'non-fast-forward',
      ` ! [rejected]        abc -> h (non-fast-forward)\nerror: failed to push some refs`,
      'race',
    ],
    [
      'lock failure',
      ` ! [remote rejected] abc -> h (cannot lock ref 'refs/heads/h': is at 1 but expected 2)`,
      'race',
    ],
    ['ref update failure', ` ! [remote rejected] abc -> h (failed to update ref)`, 'race'],
    ['a branch not there yet', `fatal: couldn't find remote ref refs/heads/history`, 'no-branch'],
    [
      'GitHub without contents: write',
      `remote: Permission to shop/app.git denied to github-actions[bot].\nfatal: unable to access 'https://github.com/shop/app.git/': The requested URL returned error: 403`,
      'auth',
    ],
    ['a refused login', `fatal: Authentication failed for 'https://gitlab.com/shop/app.git/'`, 'auth'],
    [
      'no prompt allowed',
      `fatal: could not read Username for 'https://github.com': terminal prompts disabled`,
      'auth',
    ],
    [
      'GitLab job token',
      `remote: You are not allowed to push code to this project.\nfatal: unable to access 'https://gitlab.com/shop/app.git/': The requested URL returned error: 403`,
      'auth',
    ],
    [
      'ssh key',
      `git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.`,
      'auth',
    ],
    [
      'an unknown SSH host',
      `Host key verification failed.\nfatal: Could not read from remote repository.`,
      'host-key',
    ],
    ['protected branch', ` ! [remote rejected] abc -> h (protected branch hook declined)`, 'protected'],
    [
      'GitLab protected',
      `remote: GitLab: You are not allowed to push code to protected branches on this project.`,
      'protected',
    ],
    ['GitHub rules', `remote: error: GH006: Protected branch update failed for refs/heads/h.`, 'protected'],
    ['a hook', ` ! [remote rejected] abc -> h (pre-receive hook declined)`, 'protected'],
    [
      'no repository',
      `remote: Repository not found.\nfatal: repository 'https://github.com/shop/nope.git/' not found`,
      'not-found',
    ],
    ['no local repository', `fatal: '/srv/nope.git' does not appear to be a git repository`, 'not-found'],
    [
      'no DNS',
      `fatal: unable to access 'https://github.com/shop/app.git/': Could not resolve host: github.com`,
      'unreachable',
    ],
    [
      'a closed port',
      `fatal: unable to access 'http://127.0.0.1:9/x.git/': Failed to connect to 127.0.0.1 port 9: Connection refused`,
      'unreachable',
    ],
    [
      'a server error',
      `fatal: unable to access 'https://github.com/x.git/': The requested URL returned error: 502`,
      'unreachable',
    ],
    ['a cut connection', `fatal: the remote end hung up unexpectedly\nfatal: early EOF`, 'unreachable'],
  ])('%s', (_name, text, kind) => {
    expect(classifyGitFailure(text.includes('[rejected]\t') ? output('', text) : output(text))).toBe(kind);
  });

  it('takes a timeout as unreachable, whatever was printed', () => {
    expect(classifyGitFailure(output('remote: Permission to x denied', '', true))).toBe('unreachable');
  });
});

describe('gitFailureError', () => {
  it('is exit 2 with the CI systems named when a push is refused', () => {
    const error = gitFailureError(
      output('fatal: unable to access: The requested URL returned error: 403'),
      'push',
      place,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'git could not push to the history branch history of https://github.com/shop/app.git: the remote refused the credentials (fatal: unable to access: The requested URL returned error: 403)',
    );
    expect(error.hint).toContain('permissions: contents: write');
    expect(error.hint).toContain('write_repository');
    expect(error.hint).toContain('Jenkins');
  });

  it('is exit 3 when the remote cannot be reached, or git timed out', () => {
    const error = gitFailureError(
      output('fatal: unable to access: Could not resolve host: github.com'),
      'fetch',
      place,
    );
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.exitCode).toBe(3);
    expect(gitFailureError(output('', '', true), 'fetch', place).message).toContain('git push timed out');
  });

  it('quotes git’s last fatal or error lines, not its hints', () => {
    const text = 'hint: Updates were rejected\nerror: failed to push some refs\nhint: see git push --help';
    expect(describeOutput(output(text))).toBe('error: failed to push some refs');
    expect(describeOutput(output(''))).toBe('git push exited with 128');
  });
});
