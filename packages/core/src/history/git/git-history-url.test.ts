import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../environment.js';
import { ConfigError } from '../../errors.js';
import { openHistoryStore } from '../open-store.js';
import { GitHistoryStore } from './git-history-store.js';
import { parseGitHistoryUrl, withoutCredentials } from './git-history-url.js';

describe('parseGitHistoryUrl', () => {
  it.each([
    [
      'git:ci-connect-history',
      'ci-connect-history',
      { kind: 'name', name: 'origin' },
      'git:ci-connect-history',
    ],
    ['git:history@upstream', 'history', { kind: 'name', name: 'upstream' }, 'git:history@upstream'],
    ['git:team/history@origin', 'team/history', { kind: 'name', name: 'origin' }, 'git:team/history@origin'],
    [
      'git:h@https://x-access-token:ghs_abcdefghijklmnop@github.com/shop/app.git',
      'h',
      { kind: 'url', url: 'https://x-access-token:ghs_abcdefghijklmnop@github.com/shop/app.git' },
      'git:h@https://github.com/shop/app.git',
    ],
    [
      'git:h@https://glpat-0123456789abcdef@gitlab.com/shop/app.git',
      'h',
      { kind: 'url', url: 'https://glpat-0123456789abcdef@gitlab.com/shop/app.git' },
      'git:h@https://gitlab.com/shop/app.git',
    ],
    [
      'git:h@git@github.com:shop/app.git',
      'h',
      { kind: 'url', url: 'git@github.com:shop/app.git' },
      'git:h@git@github.com:shop/app.git',
    ],
    [
      'git:h@ssh://git@host/app.git',
      'h',
      { kind: 'url', url: 'ssh://git@host/app.git' },
      'git:h@ssh://git@host/app.git',
    ],
    ['git:h@/srv/git/app.git', 'h', { kind: 'url', url: '/srv/git/app.git' }, 'git:h@/srv/git/app.git'],
    ['git:h@../app.git', 'h', { kind: 'url', url: '../app.git' }, 'git:h@../app.git'],
    ['GIT:h', 'h', { kind: 'name', name: 'origin' }, 'git:h'],
  ])('reads %j', (url, branch, remote, shown) => {
    expect(parseGitHistoryUrl(url)).toEqual({ branch, remote, shown });
  });

  it.each([
    ['git:', 'names no branch'],
    ['git:@origin', 'names no branch'],
    ['git:history@', 'names no remote after the @'],
    ['git://github.com/shop/app.git', 'names no branch'],
    [
      'git:https://oauth2:glpat-SuperSecret0123456789@gitlab.com/g/r.git',
      'names no branch before its remote',
    ],
  ])('refuses %j with a ConfigError and a hint', (url, message) => {
    expect(() => parseGitHistoryUrl(url)).toThrow(ConfigError);
    expect(() => parseGitHistoryUrl(url)).toThrow(message);
    try {
      parseGitHistoryUrl(url);
    } catch (error) {
      expect((error as ConfigError).hint).toContain('git:<branch>@<remote>');
    }
  });

  it('quotes no token when the branch was forgotten before a URL with credentials', () => {
    const url = 'git:https://oauth2:glpat-SuperSecret0123456789@gitlab.com/g/r.git';
    expect(() => parseGitHistoryUrl(url)).toThrow(/"git:https:\/\/gitlab.com\/g\/r.git"/);
    try {
      parseGitHistoryUrl(url);
    } catch (error) {
      expect(JSON.stringify(error) + String(error)).not.toContain('SuperSecret');
    }
  });

  it('never shows the credentials of a URL', () => {
    expect(withoutCredentials('https://user:s3cret@host/r.git')).toBe('https://host/r.git');
    expect(withoutCredentials('git:b@https://oauth2:s3cret@host/r.git')).toBe('git:b@https://host/r.git');
    expect(withoutCredentials('ssh://git:s3cret@host/r.git')).toBe('ssh://host/r.git');
    expect(withoutCredentials('ssh://git@host/r.git')).toBe('ssh://git@host/r.git');
  });

  it('is the registry entry for git: URLs, and opening it runs nothing', () => {
    const store = openHistoryStore('git:history@https://user:s3cret@host/r.git', {
      baseDir: '/nowhere',
      logger: silentLogger,
    });
    expect(store).toBeInstanceOf(GitHistoryStore);
    expect(store.location).toBe('git:history@https://host/r.git');
  });

  it('fails on first use when opened without the job environment (a bug in the caller)', async () => {
    const store = openHistoryStore('git:history', { baseDir: '/nowhere', logger: silentLogger });
    await expect(store.get('x')).rejects.toThrow("opened without the job's environment");
    await store.close();
  });
});
