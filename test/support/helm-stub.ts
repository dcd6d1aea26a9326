// A recording stand-in for the helm binary (DESIGN.md section 8: no helm can be installed here).
// createHelmStub() writes an executable `helm` (a Node script) into a temporary directory; put
// that directory first on PATH. Each call appends its argv to calls.jsonl and answers from the
// first matching rule of scenario.json: print, fail like Helm, or hang with a child process so
// timeouts and kills can be tested. A call that no rule matches fails like Helm and is recorded,
// so a test can assert there were none (strict, like the HTTP stand-ins).
// With { digestCharts: true } each `upgrade --install <release> <chart>` call also records the
// chart directory's digest as it was during the call (`chartDigest`, the algorithm of core's
// digestDirectory), since the chart may be a temporary checkout that is gone afterwards (promote).
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** How the stub answers the calls that match. */
export interface HelmStubRule {
  /** The leading words of helm's arguments, e.g. ['upgrade'] or ['get', 'values']. */
  command: readonly string[];
  /** Words that must all appear among the arguments, e.g. a release name. */
  with?: readonly string[];
  /** Only the nth call (1-based) this rule matches; other calls fall through to later rules. */
  call?: number;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** Never exit: start a grandchild, write both pids to hung.pids, and wait to be killed. */
  hang?: boolean;
}

/** One recorded call: helm's arguments (without "helm") and the index of the rule that answered. */
export interface HelmStubCall {
  argv: string[];
  rule: number | null;
  /** With digestCharts: the `sha256:` digest of the chart directory of an `upgrade --install`. */
  chartDigest?: string;
}

export interface HelmStubOptions {
  /** Record the digest of the chart directory each `upgrade --install` is given. */
  digestCharts?: boolean;
}

export interface HelmStub {
  /** The directory holding the `helm` executable. */
  readonly binDir: string;
  readonly helmPath: string;
  /** An environment with the stub first on PATH (and this Node next, for its shebang). */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Replaces the rules; later calls answer from these. */
  setRules(rules: readonly HelmStubRule[]): Promise<void>;
  calls(): HelmStubCall[];
  /** The arguments of every call, in order. */
  argvs(): string[][];
  /** Calls no rule answered. */
  unmatched(): HelmStubCall[];
  /** The pids of a hanging call and its child, once it has written them. */
  hungPids(): Promise<{ helm: number; child: number }>;
  cleanup(): Promise<void>;
}

// CommonJS on purpose: the temporary directory has no package.json saying "module".
const STUB_SCRIPT = `#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');

// The same digest as core's digestDirectory (stage-run/runners/release-manifest.ts).
function listFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git') out.push(...listFiles(file));
    } else if (entry.isFile()) out.push(file);
  }
  return out.sort();
}

function digestDirectory(dir) {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) {
    hash.update(path.relative(dir, file).split(path.sep).join('/'));
    hash.update('\\0');
    hash.update(fs.readFileSync(file));
    hash.update('\\0');
  }
  return 'sha256:' + hash.digest('hex');
}

function matches(rule, args) {
  return rule.command.every((word, i) => args[i] === word) && (rule.with || []).every((w) => args.includes(w));
}

function main() {
  const here = __dirname;
  const args = process.argv.slice(2);
  const scenarioFile = process.env.HELM_STUB_SCENARIO || path.join(here, 'scenario.json');
  const scenario = JSON.parse(fs.readFileSync(scenarioFile, 'utf8'));
  const rules = scenario.rules;
  const logFile = path.join(here, 'calls.jsonl');
  const previous = fs.existsSync(logFile)
    ? fs.readFileSync(logFile, 'utf8').split('\\n').filter(Boolean).map((line) => JSON.parse(line))
    : [];
  const chosen = rules.findIndex((rule) => {
    if (!matches(rule, args)) return false;
    if (rule.call === undefined) return true;
    return previous.filter((p) => matches(rule, p.argv)).length + 1 === rule.call;
  });
  const call = { argv: args, rule: chosen === -1 ? null : chosen };
  if (scenario.digestCharts && args[0] === 'upgrade' && args[1] === '--install' && fs.existsSync(args[3] || ''))
    call.chartDigest = digestDirectory(args[3]);
  fs.appendFileSync(logFile, JSON.stringify(call) + '\\n');
  if (chosen === -1) {
    process.stderr.write('Error: helm-stub has no rule for: helm ' + args.join(' ') + '\\n');
    process.exitCode = 1;
    return;
  }
  const rule = rules[chosen];
  if (rule.stdout) process.stdout.write(rule.stdout);
  if (rule.stderr) process.stderr.write(rule.stderr);
  if (rule.hang) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    fs.writeFileSync(path.join(here, 'hung.pids'), JSON.stringify({ helm: process.pid, child: child.pid }));
    setInterval(() => {}, 1000);
    return;
  }
  process.exitCode = rule.exitCode || 0;
}

main();
`;

/** Creates the stub with its first rules; call cleanup() when done. */
export async function createHelmStub(
  rules: readonly HelmStubRule[] = [],
  options: HelmStubOptions = {},
): Promise<HelmStub> {
  const binDir = await mkdtemp(path.join(tmpdir(), 'helm-stub-'));
  const helmPath = path.join(binDir, 'helm');
  const logFile = path.join(binDir, 'calls.jsonl');
  const pidFile = path.join(binDir, 'hung.pids');
  await writeFile(helmPath, STUB_SCRIPT);
  await chmod(helmPath, 0o755);
  const setRules = (next: readonly HelmStubRule[]): Promise<void> =>
    writeFile(
      path.join(binDir, 'scenario.json'),
      JSON.stringify({ rules: next, digestCharts: options.digestCharts === true }),
    );
  await setRules(rules);

  const calls = (): HelmStubCall[] =>
    existsSync(logFile)
      ? readFileSync(logFile, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as HelmStubCall)
      : [];

  return {
    binDir,
    helmPath,
    env: (extra = {}) => ({
      ...stringEntries(process.env),
      PATH: [binDir, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
      ...extra,
    }),
    setRules,
    calls,
    argvs: () => calls().map((call) => call.argv),
    unmatched: () => calls().filter((call) => call.rule === null),
    hungPids: () => waitForPids(pidFile),
    cleanup: () => rm(binDir, { recursive: true, force: true }),
  };
}

async function waitForPids(pidFile: string): Promise<{ helm: number; child: number }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(pidFile)) {
      const text = readFileSync(pidFile, 'utf8');
      if (text !== '') return JSON.parse(text) as { helm: number; child: number };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the hanging helm stub never wrote ${pidFile}`);
}

function stringEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** What `helm upgrade --install` prints on success (Helm 3's table output). */
export function upgradeSucceeded(release: string, namespace: string, revision: number): string {
  return [
    `Release "${release}" has been upgraded. Happy Helming!`,
    `NAME: ${release}`,
    'LAST DEPLOYED: Tue Mar  4 10:00:00 2025',
    `NAMESPACE: ${namespace}`,
    'STATUS: deployed',
    `REVISION: ${revision}`,
    'TEST SUITE: None',
    '',
  ].join('\n');
}

/** What Helm 3 prints on stderr when a release does not exist. */
export const RELEASE_NOT_FOUND = 'Error: release: not found\n';

/** A `helm history -o json` answer; entries oldest first. */
export function historyJson(
  entries: readonly [revision: number, status: string, description: string][],
): string {
  return `${JSON.stringify(
    entries.map(([revision, status, description]) => ({
      revision,
      updated: '2025-03-04T10:00:00.000000000Z',
      status,
      chart: 'carts-0.1.0',
      app_version: '0.13.1',
      description,
    })),
  )}\n`;
}
