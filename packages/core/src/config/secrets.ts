/**
 * Secrets never belong in ci-connect.yaml (DESIGN.md sections 3 and 9): a key named like a token
 * or password that holds a value, or a URL with a password in it, is an error. The messages
 * name the key, never the value, and the schema check is told to stay silent about these paths
 * so that nothing else repeats the value either.
 */

import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import type { FileDiagnostics } from './file-diagnostics.js';
import { mapEntries, resolveNode, showScalar } from './yaml-nodes.js';
import type { DocPath, YamlSource } from './yaml-nodes.js';

const SECRET_KEY = /(token|password|passwd|pwd|secret|apikey|credential|credentials|privatekey)$/;
const MAX_DEPTH = 64;

/** Whether a key names a secret (`apiToken`, `password`, `client_secret`; not `tokenEnv`). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[-_.\s]/g, ''));
}

/** Reports every secret written into the file; returns their paths. */
export function reportSecrets(source: YamlSource, out: FileDiagnostics): DocPath[] {
  const found: DocPath[] = [];
  walk(source, source.doc.contents, [], 0, (node, path, kind) => {
    found.push(path);
    const key = String(path.at(-1));
    if (kind === 'key') {
      out.addAt(
        node,
        'error',
        path,
        `${key} holds a secret, and ci-connect.yaml must never contain one`,
        secretHint(key),
      );
    } else if (kind === 'env') {
      const hint = `${key} takes the name of the environment variable that holds the secret, e.g. ${key}: MY_TOKEN`;
      out.addAt(
        node,
        'error',
        path,
        'this looks like a secret itself, not the name of an environment variable',
        hint,
      );
    } else {
      const hint =
        path[0] !== 'history'
          ? 'remove user:password@ from the URL and name env vars that hold them (userEnv, passwordEnv, tokenEnv)'
          : isScalar(node) && /^git:/i.test(String(node.value))
            ? 'name a remote of the repository instead (git:<branch>@origin: its credentials stay in git), or give the URL in CI_CONNECT_HISTORY from a secret variable'
            : 'leave the password out of the URL and set PGPASSWORD';
      out.addAt(
        node,
        'error',
        path,
        'the URL contains a password, and ci-connect.yaml must never contain one',
        hint,
      );
    }
  });
  return found;
}

/** Whether `path` is at or below one of `roots`. */
export function isBelow(path: DocPath, roots: readonly DocPath[]): boolean {
  return roots.some((root) => root.length <= path.length && root.every((part, i) => path[i] === part));
}

function secretHint(key: string): string {
  const k = key.toLowerCase();
  if (k.includes('pass') || k.includes('pwd'))
    return 'put the password in an env var and name it with passwordEnv';
  if (k.includes('token') || k.includes('apikey'))
    return 'put the token in an env var and name it with tokenEnv';
  return 'put it in an env var and name that variable instead (a key ending in Env)';
}

type Found = (node: ParsedNode, path: DocPath, kind: 'key' | 'env' | 'url') => void;

function walk(source: YamlSource, raw: ParsedNode | null, path: DocPath, depth: number, found: Found): void {
  const node = resolveNode(source, raw);
  if (node === null || node === undefined || depth > MAX_DEPTH) return;
  if (isSeq(node)) {
    node.items.forEach((item, i) => walk(source, item, [...path, i], depth + 1, found));
  } else if (isMap(node)) {
    for (const { key, keyNode, value } of mapEntries(source, node)) {
      if (isSecretKey(key) && holdsValue(source, value)) found(keyNode, [...path, key], 'key');
      else if (key.endsWith('Env') && looksLikeSecret(source, value)) found(keyNode, [...path, key], 'env');
      else walk(source, value, [...path, key], depth + 1, found);
    }
  } else if (isScalar(node) && typeof node.value === 'string' && hasUrlPassword(node.value)) {
    found(node, path, 'url');
  }
}

function holdsValue(source: YamlSource, raw: ParsedNode | null): boolean {
  const node = resolveNode(source, raw);
  return isScalar(node) && node.value !== null && showScalar(node.value).trim() !== '';
}

// Env var names are mostly upper case; tokens are long and mix cases and digits.
function looksLikeSecret(source: YamlSource, raw: ParsedNode | null): boolean {
  const node = resolveNode(source, raw);
  if (!isScalar(node) || typeof node.value !== 'string') return false;
  const value = node.value;
  if (value.length < 20) return false;
  return !/^[A-Za-z0-9_]+$/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value));
}

function hasUrlPassword(value: string): boolean {
  // A git: history names its remote after the branch: git:<branch>@https://user:token@host/...
  const text = value.replace(/^git:[^@]*@/i, '');
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(text)) return false;
  try {
    return new URL(text).password !== '';
  } catch {
    const start = text.indexOf('://') + 3;
    return text.slice(start, text.indexOf('@', start)).includes(':');
  }
}
