// A small ci-connect project in a temp directory, as a CI job's checkout holds one: a
// `.ci-connect` config dir (project shop, service carts, stages hardening and production) whose
// SLO scores two SLIs given with --values; its shipyard's hardening stage waits for a manual approval. Used by the comment and GitLab component tests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Values for the SLO below: pass, warning, fail. */
export const GATE_VALUES = {
  pass: { response_time_p95: 300, error_rate: 0.5 },
  warning: { response_time_p95: 700, error_rate: 0.5 },
  fail: { response_time_p95: 2000, error_rate: 9 },
} as const;

/** The SLO: p95 < 500 passes, <= 800 warns; error rate <= 1 %; 90 % passes, 50 % warns. */
export const GATE_SLO = [
  'spec_version: "1.0"',
  'objectives:',
  '  - sli: response_time_p95',
  '    pass: [{criteria: ["<500"]}]',
  '    warning: [{criteria: ["<=800"]}]',
  '  - sli: error_rate',
  '    pass: [{criteria: ["<=1"]}]',
  'total_score: {pass: "90%", warning: "50%"}',
  '',
].join('\n');

/** `.ci-connect` in `dir` as createGateProject writes it: project shop, stage hardening, carts' SLO; no shipyard. */
export function writeGateConfig(dir: string): void {
  const config = path.join(dir, '.ci-connect');
  mkdirSync(path.join(config, 'base/carts'), { recursive: true });
  writeFileSync(path.join(config, 'ci-connect.yaml'), 'project: shop\ndefaults:\n  stage: hardening\n');
  writeFileSync(path.join(config, 'base/carts/slo.yaml'), GATE_SLO);
}

/** The shipyard of project shop with these lines below `stages:` (each stage indented by four). */
export function shopShipyard(stages: readonly string[]): string {
  return [
    'apiVersion: "spec.keptn.sh/0.2.2"',
    'kind: "Shipyard"',
    'metadata: {name: "shipyard-shop"}',
    'spec:',
    '  stages:',
    ...stages,
    '',
  ].join('\n');
}

/** Creates the project; returns its directory. */
export function createGateProject(prefix = 'ci-connect-gate-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  writeGateConfig(dir);
  writeFileSync(
    path.join(dir, '.ci-connect/shipyard.yaml'),
    shopShipyard([
      '    - name: "hardening"',
      '      sequences:',
      '        - name: "delivery"',
      '          tasks:',
      '            - name: "approval"',
      '              properties: {pass: "manual", warning: "manual"}',
      '    - name: "production"',
      '      sequences:',
      '        - name: "delivery"',
      '          triggeredOn: [{event: "hardening.delivery.finished"}]',
      '          tasks:',
      '            - name: "approval"',
      '              properties: {pass: "automatic", warning: "manual"}',
    ]),
  );
  for (const [name, values] of Object.entries(GATE_VALUES))
    writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(values));
  return dir;
}
