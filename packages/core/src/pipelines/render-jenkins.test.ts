import { describe, expect, it } from 'vitest';
import { groovyString, renderJenkins } from './render-jenkins.js';
import { keptnShipyard, planOf, shipyardOf } from './test-support/pipelines.js';

function jenkins(plan: Parameters<typeof renderJenkins>[0]['plan']): string {
  return renderJenkins({ plan, command: 'ci-connect generate pipeline --ci jenkins' });
}

describe('renderJenkins', () => {
  it('calls the library steps with Map arguments, the manual approval through input', async () => {
    const text = jenkins(planOf(await keptnShipyard('examples-0.7.3_onboarding-carts_shipyard.yaml')));
    expect(text).toContain("@Library('ci-connect@0.1.0') _\n\npipeline {\n  agent any\n");
    expect(text).toContain(
      [
        "    stage('production-delivery-carts') {",
        '      options {',
        "        timeout(time: 24, unit: 'HOURS')",
        '      }',
        '      steps {',
        '        script {',
        '          ciConnectPromote(',
        "            service: 'carts',",
        "            stage: 'production',",
        '            version: env.GIT_COMMIT ?: env.BUILD_TAG,',
        "            history: 'git:ci-connect-history',",
        "            onWarning: 'warn',",
        "            reportDir: 'ci-connect-report/production-delivery-carts',",
        "            credentials: [gitUsernamePassword(credentialsId: 'ci-connect-history', gitToolName: 'Default')],",
        "            approval: 'input',",
        "            extraArgs: ['--results-dir', 'ci-connect-results/production-delivery-carts']",
        '          )',
      ].join('\n'),
    );
    expect(text.match(/approval: 'input'/g)).toHaveLength(1);
    expect(text.match(/ciConnectTriggerDeployment\(/g)).toHaveLength(1);
  });

  it('runs jobs of the same depth in parallel, one Jenkins stage per step', async () => {
    const seq = (stage: string, after?: string) =>
      `    - name: ${stage}\n      sequences:\n        - name: delivery\n` +
      (after === undefined ? '' : `          triggeredOn: [{event: ${after}.delivery.finished}]\n`) +
      `          tasks: [{name: release}]\n`;
    const shipyard = await shipyardOf(
      'apiVersion: spec.keptn.sh/0.2.3\nkind: Shipyard\nmetadata: {name: x}\nspec:\n  stages:\n' +
        seq('dev') +
        seq('eu', 'dev') +
        seq('us', 'dev'),
    );
    const text = jenkins(planOf(shipyard, { history: 'postgres://db/h' }));
    const stages = [...text.matchAll(/^ *(stage\(|parallel\b).*$/gm)].map((m) => m[0].trim());
    expect(stages).toEqual([
      "stage('dev-delivery-carts') {",
      "stage('step 2: eu + us') {",
      'parallel {',
      "stage('eu-delivery-carts') {",
      "stage('us-delivery-carts') {",
    ]);
    expect(text).not.toContain('credentials:');
  });

  it('gives each job its own report and results directory: parallel jobs share one workspace', async () => {
    const plan = planOf(await keptnShipyard('examples_onboarding-carts_shipyard-quality-gates.yaml'), {
      services: ['carts', 'orders'],
    });
    const text = jenkins(plan);
    expect(text).toContain("stage('step 1: hardening') {\n      parallel {");
    const reportDirs = [...text.matchAll(/reportDir: '([^']*)'/g)].map((m) => m[1]);
    expect(reportDirs).toEqual([
      'ci-connect-report/hardening-evaluation-carts',
      'ci-connect-report/hardening-evaluation-orders',
    ]);
    const sock = jenkins(planOf(await keptnShipyard('examples_onboarding-carts_shipyard.yaml')));
    expect(sock).toMatch(
      /ciConnectPromote\(\n\s+service: 'carts',\n\s+stage: 'staging',[\s\S]*?reportDir: 'ci-connect-report\/staging-delivery-carts',[\s\S]*?extraArgs: \['--results-dir', 'ci-connect-results\/staging-delivery-carts'\]\n\s+\)/,
    );
  });

  it.each([
    ['plain', "'plain'"],
    ["o'shop", "'o\\'shop'"],
    ['a\\b', "'a\\\\b'"],
    ['${env.SECRET}', "'${env.SECRET}'"],
    ['two\nlines', "'two\\nlines'"],
  ])('quotes %j as a single-quoted Groovy string', (text, quoted) => {
    expect(groovyString(text)).toBe(quoted);
  });

  it('writes a \\u in the header comments with an even run of backslashes (Groovy would read an escape)', async () => {
    const plan = planOf(await keptnShipyard('examples_quickstart_shipyard.yaml'), {
      history: String.raw`file:C:\users\\\u000a`,
    });
    const text = jenkins(plan);
    expect(text).toContain(String.raw`// History: file:C:\\users\\\\u000a` + '\n');
    expect(text).toContain(String.raw`history: 'file:C:\\users\\\\\\u000a',`);
  });

  it('names in its header the env vars the steps do not bind (monitoring endpoints and tokens)', async () => {
    const plan = planOf(await keptnShipyard('examples_quickstart_shipyard.yaml'), {
      env: { secrets: ['DT_API_TOKEN'], variables: ['DT_URL'] },
    });
    expect(jenkins(plan)).toContain(
      '// Endpoints and tokens: the steps bind only the history credential. The CLI reads DT_URL, and the\n' +
        '// secrets DT_API_TOKEN, from the environment of the agent',
    );
  });

  it('keeps a hostile project name inside its string', async () => {
    const plan = planOf(await keptnShipyard('examples_quickstart_shipyard.yaml'), {
      project: "x', evil: 'y",
    });
    expect(jenkins(plan)).toContain("project: 'x\\', evil: \\'y',");
  });
});

describe('renderJenkins: sequences and promotions', () => {
  it('passes a sequence other than delivery and the stage promoted from as step arguments', async () => {
    const shipyard = await shipyardOf(
      'apiVersion: spec.keptn.sh/0.2.3\nkind: Shipyard\nmetadata: {name: x}\nspec:\n  stages:\n' +
        '    - name: dev\n      sequences:\n        - name: ship\n          tasks: [{name: deployment, properties: {deploymentstrategy: direct}}]\n' +
        '    - name: qa\n      sequences: []\n' +
        '    - name: prod\n      sequences:\n        - name: ship\n          triggeredOn: [{event: dev.ship.finished}]\n          tasks: [{name: deployment, properties: {deploymentstrategy: direct}}]\n',
    );
    const text = jenkins(planOf(shipyard));
    expect(text).toMatch(/ciConnectEvaluate\(\n\s+service: 'carts',\n\s+stage: 'qa',/);
    expect(text).toMatch(
      /ciConnectPromote\(\n\s+service: 'carts',\n\s+stage: 'prod',[\s\S]*?sequence: 'ship',\n\s+from: 'dev',\n\s+extraArgs: \['--results-dir', 'ci-connect-results\/prod-ship-carts'\]\n\s+\)/,
    );
  });
});
