// The GitLab CI/CD component (packages/gitlab-component): every template validates against
// GitLab's CI schema (fixtures/schemas/gitlab-ci.json, draft-07), its inputs expand as GitLab
// expands them, and each job's script, run in bash with GitLab's predefined variables against the
// packed CLI, exits as the contract says and leaves the files GitLab's reports read.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { createGateProject } from './support/gate-project.js';
import {
  expandTemplate,
  jobEnvironment,
  jobScript,
  mergeJobs,
  readTemplate,
  type InputValue,
  type Job,
} from './support/gitlab-template.js';
import { startGitLabStandIn, type GitLabStandIn } from './support/gitlab-stand-in.js';
import { findFreePort } from './support/free-port.js';
import { installPackedCli, npm } from './support/packed-cli.js';
import { defineRealComponent, describeWithReal, detectCommand, repoRoot } from './support/real-components.js';

const COMPONENT = path.join(repoRoot, 'packages/gitlab-component');
const TEMPLATES = ['evaluate', 'trigger-deployment', 'promote'] as const;
const templateFile = (name: string) => path.join(COMPONENT, 'templates', `${name}.yml`);
const SCHEMA = path.join(repoRoot, 'fixtures/schemas/gitlab-ci.json');

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

/** ajv 8 (core's), draft-07 as GitLab's schema is; formats are GitLab's business. */
function compileSchema(): Validate {
  const require = createRequire(path.join(repoRoot, 'packages/core/package.json'));
  const Ajv = require('ajv') as new (options: object) => { compile(schema: unknown): Validate };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
}

describe('GitLab component templates (schema: fixtures/schemas/gitlab-ci.json)', () => {
  const validate = compileSchema();
  const check = (data: unknown) => {
    const ok = validate(data);
    return ok ? [] : validate.errors;
  };

  it.each(TEMPLATES)(
    '%s: the spec header validates, and the jobs once expanded (defaults, and given inputs)',
    (name) => {
      const { header, body } = readTemplate(templateFile(name));
      expect(check(header)).toEqual([]);
      // GitLab validates the jobs after interpolation; before it, only `when`, a whole
      // `$[[ inputs.when ]]` of an enum, is not yet what the schema wants.
      const before = (check(body) ?? []) as { instancePath: string }[];
      expect(new Set(before.map((e) => e.instancePath))).toEqual(new Set(['/$[[ inputs.job_name ]]/when']));
      expect(check(expandTemplate(templateFile(name), { stage: 'hardening' }))).toEqual([]);
      // A manual job that a job of the same name in the pipeline gives its needs, as GitLab merges them.
      const included = expandTemplate(templateFile(name), { stage: 'production', when: 'manual' });
      const local = { [`ci-connect-${name}`]: { needs: ['build', { job: 'load-test', artifacts: true }] } };
      expect(check(local)).toEqual([]);
      expect(check(mergeJobs(included, local))).toEqual([]);
    },
  );

  it('the schema refuses what GitLab refuses (it is really checking)', () => {
    const { header } = readTemplate(templateFile('evaluate'));
    const long = structuredClone(header);
    (long.spec.inputs.stage as { description: string }).description = 'x'.repeat(1025);
    expect(check(long)).not.toEqual([]);
    const jobs = expandTemplate(templateFile('evaluate'), { stage: 'hardening' });
    const job = jobs['ci-connect-evaluate'] as unknown as Record<string, unknown>;
    expect(check({ 'ci-connect-evaluate': { ...job, when: 'sometimes' } })).not.toEqual([]);
    expect(check({ 'ci-connect-evaluate': { ...job, needs: 'build' } })).not.toEqual([]);
    expect(check({ 'ci-connect-evaluate': { ...job, environment: { name: '' } } })).not.toEqual([]);
  });
});

describe('GitLab component templates: inputs and jobs', () => {
  it.each(TEMPLATES)('%s: one job named by job_name, with the native result mapping', (name) => {
    const jobs = expandTemplate(templateFile(name), { stage: 'production' });
    expect(Object.keys(jobs)).toEqual([`ci-connect-${name}`]);
    const job = jobs[`ci-connect-${name}`] as Job;
    expect(job.stage).toBe(name === 'evaluate' ? 'test' : 'deploy');
    // No `needs:` at all: the job follows stage order. (`needs: []` would start it the moment the
    // pipeline is created, before the deployment it gates.)
    expect(job).not.toHaveProperty('needs');
    expect(job.when).toBe('on_success');
    expect(job.environment).toEqual({ name: 'production', action: name === 'evaluate' ? 'verify' : 'start' });
    expect(job.allow_failure).toEqual({ exit_codes: [4] });
    expect(job.artifacts).toEqual({
      when: 'always',
      expose_as: 'ci-connect report',
      paths: ['ci-connect-report/'],
      reports: {
        junit: 'ci-connect-report/junit.xml',
        dotenv: 'ci-connect-report/ci-connect.env',
        metrics: 'ci-connect-report/metrics.txt',
      },
    });
    expect(job.variables).toMatchObject({
      CI_CONNECT_CLI_PACKAGE: 'ci-connect@0.1.0',
      CI_CONNECT_VERSION: '$CI_COMMIT_SHORT_SHA',
      CI_CONNECT_ON_WARNING: 'warn',
      CI_CONNECT_TOKEN_ENV: 'CI_CONNECT_GITLAB_TOKEN',
    });
    const inputs = readTemplate(templateFile(name)).header.spec.inputs;
    for (const [id, spec] of Object.entries(inputs)) expect(spec.description, id).toBeTruthy();
  });

  it.each(TEMPLATES)('%s: given inputs land where they belong', (name) => {
    const jobs = expandTemplate(templateFile(name), {
      job_name: 'gate-prod',
      job_stage: 'verify',
      stage: 'prod',
      when: 'manual',
      report_dir: 'out/gate',
      labels: 'team=carts,ticket=SHOP-12',
    });
    const job = jobs['gate-prod'] as Job;
    expect(job).toMatchObject({ stage: 'verify', when: 'manual' });
    expect(job.environment.name).toBe('prod');
    expect(job.artifacts.reports.junit).toBe('out/gate/junit.xml');
    expect(job.variables.CI_CONNECT_LABELS).toBe('ciJobUrl=$CI_JOB_URL,team=carts,ticket=SHOP-12');
  });

  it('the three templates share one results script, word for word', () => {
    const resultsOf = (name: string) => {
      const script = (expandTemplate(templateFile(name), { stage: 's' })[`ci-connect-${name}`] as Job).script;
      return [script[0], script[2]];
    };
    expect(resultsOf('trigger-deployment')).toEqual(resultsOf('evaluate'));
    expect(resultsOf('promote')).toEqual(resultsOf('evaluate'));
  });

  it.each<[string, Record<string, InputValue>, RegExp]>([
    ['a missing required input', {}, /`stage` input: required value not provided/],
    ['an unknown input', { stage: 'a', servce: 'carts' }, /unknown input\(s\): servce/],
    ['a value outside options', { stage: 'a', on_warning: 'ignore' }, /not in the list of allowed options/],
    ['a value the regex refuses', { stage: 'a', gitlab_token_variable: '$TOKEN' }, /RegEx/],
    // A job whose name starts with a dot is hidden: GitLab would never run it, and say nothing.
    ['a hidden job_name', { stage: 'a', job_name: '.gate' }, /RegEx/],
    // GitLab keeps artifacts from inside the project directory only: the reports would be lost.
    ['a report_dir outside the project', { stage: 'a', report_dir: 'out/../../reports' }, /RegEx/],
    ['an absolute report_dir', { stage: 'a', report_dir: '/tmp/reports' }, /RegEx/],
    ['the wrong type', { stage: 'a', timeframe: 15 }, /not a string/],
    // `needs` is not an input: a job of the same name in the pipeline adds it (see the README).
    ['a needs input', { stage: 'a', needs: ['build'] }, /unknown input\(s\): needs/],
  ])('refuses %s as GitLab does', (_name, given, message) => {
    expect(() => expandTemplate(templateFile('evaluate'), given)).toThrow(message);
  });

  it('the README documents every input of every template', () => {
    const readme = readFileSync(path.join(COMPONENT, 'README.md'), 'utf8');
    for (const name of TEMPLATES)
      for (const id of Object.keys(readTemplate(templateFile(name)).header.spec.inputs))
        expect(readme, `${name}: ${id}`).toContain(`\`${id}\``);
  });

  /**
   * A pipeline that includes the components: every include a template with inputs it takes, the
   * pipeline's jobs of the same names merged in as GitLab does, every job in a declared stage, and
   * `needs` naming jobs of the pipeline in stages before (never `needs: []`, which starts a job the
   * moment the pipeline is created, before what it gates).
   */
  function checkPipeline(text: string, defaultStages: string[]): Record<string, Job> {
    const {
      stages = defaultStages,
      include = [],
      ...rest
    } = parse(text) as {
      stages?: string[];
      include?: { component: string; inputs?: Record<string, InputValue> }[];
    } & Record<string, unknown>;
    expect(include.length).toBeGreaterThan(0);
    const included: Record<string, Job> = {};
    for (const { component, inputs } of include) {
      const match = /^\$CI_SERVER_FQDN\/ci-connect\/gitlab-component\/([a-z-]+)@0\.1\.0$/.exec(component);
      expect(match, component).not.toBeNull();
      Object.assign(included, expandTemplate(templateFile(match?.[1] ?? ''), inputs ?? {}));
    }
    const keywords = [
      'workflow',
      'variables',
      'default',
      'image',
      'services',
      'cache',
      'before_script',
      'after_script',
    ];
    const local = Object.fromEntries(Object.entries(rest).filter(([key]) => !keywords.includes(key)));
    const jobs = mergeJobs(included, local);
    const validate = compileSchema();
    expect(validate({ stages, ...jobs }), JSON.stringify(validate.errors)).toBe(true);
    const stageOf = (name: string) => stages.indexOf(jobs[name]?.stage ?? 'test');
    for (const [name, job] of Object.entries(jobs)) {
      expect(stages, name).toContain(job.stage ?? 'test');
      if (job.needs === undefined) continue;
      expect(job.needs, `${name}: needs: [] starts the job before its stage`).not.toEqual([]);
      for (const need of job.needs) {
        const needed = typeof need === 'string' ? need : (need as { job: string }).job;
        expect(Object.keys(jobs), name).toContain(needed);
        expect(stageOf(needed), `${name} needs ${needed}`).toBeLessThanOrEqual(stageOf(name));
      }
    }
    return jobs;
  }

  it("docs/ci/gitlab.md's pipeline: inputs the components take, stages it declares, needs that keep the order", () => {
    const page = readFileSync(path.join(repoRoot, 'docs/ci/gitlab.md'), 'utf8');
    const block = /```yaml\n(# \.gitlab-ci\.yml[\s\S]*?)```/.exec(page)?.[1];
    const jobs = checkPipeline(block ?? '', []);
    expect(jobs['promote-production']?.needs).toEqual(['ci-connect-evaluate']);
  });

  it("the README's examples, together, are such a pipeline (GitLab's default stages)", () => {
    const readme = readFileSync(path.join(COMPONENT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] ?? '') as object);
    const together = {
      include: blocks.flatMap((b) => (b as { include?: unknown[] }).include ?? []),
      ...Object.assign({}, ...blocks.map(({ include: _, ...jobs }: { include?: unknown }) => jobs)),
    };
    const jobs = checkPipeline(JSON.stringify(together), ['.pre', 'build', 'test', 'deploy', '.post']);
    expect(Object.keys(jobs).length).toBeGreaterThanOrEqual(2);
  });

  it('the trap is caught: a pipeline giving a job needs: [] is refused', () => {
    const pipeline = {
      include: [
        { component: '$CI_SERVER_FQDN/ci-connect/gitlab-component/evaluate@0.1.0', inputs: { stage: 'a' } },
      ],
      'ci-connect-evaluate': { needs: [] },
    };
    expect(() => checkPipeline(JSON.stringify(pipeline), ['test'])).toThrow(/needs: \[\] starts the job/);
  });

  it('fails on a reference to an input the spec does not declare', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ci-connect-tpl-')), 'broken.yml');
    writeFileSync(
      file,
      'spec:\n  inputs:\n    stage: {}\n---\njob:\n  script:\n    - echo $[[ inputs.stag ]]\n',
    );
    expect(() => expandTemplate(file, { stage: 'a' })).toThrow('unknown interpolation key: `stag`');
  });
});

const bash = defineRealComponent({
  name: 'bash',
  installHint: 'apt-get install -y bash',
  detect: () => detectCommand('bash'),
});

interface JobRun {
  exitCode: number;
  log: string;
  dir: string;
  file: (name: string) => string;
}

describeWithReal(bash, 'GitLab component jobs, run as a runner runs them', () => {
  describeWithReal(npm, 'against the packed CLI', () => {
    let tarball: string;
    let closedPort: number;
    let standIn: GitLabStandIn | undefined;
    beforeAll(async () => {
      tarball = (await installPackedCli()).tarball;
      closedPort = await findFreePort();
    }, 300_000);
    afterEach(async () => {
      await standIn?.close();
      standIn = undefined;
    });

    /** GitLab's predefined variables of a merge request pipeline's job in `dir`. */
    function predefined(dir: string, extra: Record<string, string>): Record<string, string> {
      const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR'];
      const base = Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
      return {
        ...base,
        CI: 'true',
        GITLAB_CI: 'true',
        CI_PROJECT_DIR: dir,
        CI_PROJECT_ID: '187725',
        CI_PROJECT_URL: 'https://gitlab.example.com/shop/carts',
        CI_API_V4_URL: `http://127.0.0.1:${closedPort}/api/v4`,
        CI_SERVER_URL: 'https://gitlab.example.com',
        CI_JOB_URL: 'https://gitlab.example.com/shop/carts/-/jobs/812',
        CI_JOB_ID: '812',
        CI_PIPELINE_ID: '99',
        CI_COMMIT_SHA: '3f9c2e7a5b1d4c6e8f0a2b4c6d8e0f1a3b5c7d9e',
        CI_COMMIT_SHORT_SHA: '3f9c2e7a',
        CI_MERGE_REQUEST_IID: '1',
        GITLAB_USER_LOGIN: 'jane',
        CI_JOB_TOKEN: 'glcbt-64_jobtokenjobtokenjobtoken',
        // npm may not reach any registry: the tarball must install alone.
        npm_config_registry: `http://127.0.0.1:${closedPort}/`,
        npm_config_update_notifier: 'false',
        ...extra,
      };
    }

    async function runJob(
      template: string,
      inputs: Record<string, InputValue>,
      options: {
        dir?: string;
        env?: Record<string, string>;
        shell?: 'bash' | 'sh';
        unset?: string[];
        /** As the runner's bash does under CI_DEBUG_TRACE. */
        xtrace?: boolean;
      } = {},
    ): Promise<JobRun> {
      const dir = options.dir ?? createGateProject('ci-connect-gitlab-job-');
      const jobs = expandTemplate(templateFile(template), { cli_package: tarball, ...inputs });
      const [job] = Object.values(jobs);
      const env = jobEnvironment(job as Job, predefined(dir, options.env ?? {}));
      for (const name of options.unset ?? []) delete env[name];
      const scriptFile = path.join(mkdtempSync(path.join(tmpdir(), 'ci-connect-runner-')), 'script.sh');
      const shell = options.shell ?? 'bash';
      // A runner uses bash when the image has it (with pipefail), else sh.
      const script = (options.xtrace === true ? 'set -o xtrace\n' : '') + jobScript(job as Job);
      writeFileSync(
        scriptFile,
        shell === 'bash' ? script : script.replace(/^set -eo pipefail\n/, 'set -e\n'),
      );
      const { exitCode, log } = await new Promise<{ exitCode: number; log: string }>((resolve) => {
        execFile(
          // Debian's sh is dash: a bash-ism fails here as in an image without bash.
          shell,
          [scriptFile],
          { cwd: dir, env, timeout: 120_000, maxBuffer: 1 << 26 },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
            resolve({ exitCode: code, log: `${stdout}\n${stderr}` });
          },
        );
      });
      const reportDir = String(env.CI_CONNECT_REPORT_DIR ?? 'ci-connect-report');
      return { exitCode, log, dir, file: (name) => readFileSync(path.join(dir, reportDir, name), 'utf8') };
    }

    const dotenv = (run: JobRun) =>
      Object.fromEntries(
        run
          .file('ci-connect.env')
          .trim()
          .split('\n')
          .map((line) => line.split(/=(.*)/s).slice(0, 2)),
      ) as Record<string, string>;

    it.each([
      ['pass', 0, 'pass', '100'],
      ['warning', 4, 'warning', '75'],
      ['fail', 1, 'fail', '0'],
    ] as const)(
      'evaluate: %s exits %d, with junit, dotenv, metrics and the HTML report',
      async (values, code, result, score) => {
        const run = await runJob('evaluate', {
          stage: 'hardening',
          service: 'carts',
          values: `${values}.json`,
        });
        expect(run.exitCode, run.log).toBe(code);
        const evaluation = JSON.parse(run.file('evaluation.json')) as {
          id: string;
          version: string;
          labels: object;
        };
        expect(JSON.parse(run.file('ci-connect.json'))).toMatchObject({
          kind: 'evaluation',
          result,
          id: evaluation.id,
        });
        // $CI_COMMIT_SHORT_SHA, the default version, expanded by the runner; the job's URL as a label.
        expect(evaluation.version).toBe('3f9c2e7a');
        expect(evaluation.labels).toEqual({ ciJobUrl: 'https://gitlab.example.com/shop/carts/-/jobs/812' });
        expect(dotenv(run)).toEqual({
          CI_CONNECT_RESULT: result,
          CI_CONNECT_SCORE: expect.stringMatching(new RegExp(`^${score}`)),
          CI_CONNECT_EVALUATION_ID: evaluation.id,
        });
        const metrics = run.file('metrics.txt').split('\n');
        expect(metrics).toContain(
          `ci_connect_score{stage="hardening",service="carts"} ${dotenv(run).CI_CONNECT_SCORE}`,
        );
        const values_ = JSON.parse(readFileSync(path.join(run.dir, `${values}.json`), 'utf8')) as Record<
          string,
          number
        >;
        for (const [sli, value] of Object.entries(values_))
          expect(metrics).toContain(
            `ci_connect_sli{stage="hardening",service="carts",sli="${sli}"} ${value}`,
          );
        expect(metrics.at(-2)).toBe('# EOF');
        expect(run.file('junit.xml')).toContain('<testsuite');
        expect(run.file('index.html')).toContain('<html');
        // Readable text in the log: the Markdown summary and one line of result.
        expect(run.log).toContain(`ci-connect: result ${result}`);
        expect(run.log).toContain('response_time_p95');
        // The CLI lives inside the project, not in a global prefix.
        expect(existsSync(path.join(run.dir, '.ci-connect-cli/node_modules/.bin/ci-connect'))).toBe(true);
      },
    );

    it("evaluate: the script is POSIX sh (images without bash), and ignores the project's own package.json", async () => {
      const dir = createGateProject('ci-connect-gitlab-job-');
      // A Node project's root: npm must not install its dependencies (no registry here) or touch it.
      const manifest =
        '{"name":"shop","version":"1.0.0","dependencies":{"left-pad":"1.3.0"},"workspaces":["web"]}\n';
      writeFileSync(path.join(dir, 'package.json'), manifest);
      const run = await runJob(
        'evaluate',
        { stage: 'hardening', service: 'carts', values: 'warning.json' },
        { dir, shell: 'sh' },
      );
      expect(run.exitCode, run.log).toBe(4);
      expect(dotenv(run).CI_CONNECT_RESULT).toBe('warning');
      expect(readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(manifest);
      expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    });

    it("evaluate: cli_package pinned, installed from the registry mirror the project's .npmrc names, with its token", async () => {
      // A private mirror (e.g. GitLab's package registry) that wants a token, named in the
      // repository's .npmrc as npm reads it in the project's root; no other registry is reachable.
      const mirrorToken = 'glpat-MirrorMirror9Kq2Lw7Zp';
      const { stdout: packageJson } = await promisify(execFile)('tar', [
        '-xzOf',
        tarball,
        'package/package.json',
      ]);
      const tgz = readFileSync(tarball);
      const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
      const seen: string[] = [];
      const server = createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        if (req.headers.authorization !== `Bearer ${mirrorToken}`) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
          return;
        }
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        if (req.url === '/ci-connect') {
          const manifest = {
            ...(JSON.parse(packageJson) as object),
            dist: { tarball: `${base}/ci-connect/-/ci-connect-0.1.0.tgz`, integrity },
          };
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              name: 'ci-connect',
              'dist-tags': { latest: '0.1.0' },
              versions: { '0.1.0': manifest },
            }),
          );
        } else if (req.url === '/ci-connect/-/ci-connect-0.1.0.tgz') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tgz);
        } else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const dir = createGateProject('ci-connect-gitlab-job-');
        writeFileSync(
          path.join(dir, '.npmrc'),
          `registry=http://127.0.0.1:${port}/\n//127.0.0.1:${port}/:_authToken=\${NPM_MIRROR_TOKEN}\n`,
        );
        const run = await runJob(
          'evaluate',
          { stage: 'hardening', service: 'carts', values: 'pass.json', cli_package: 'ci-connect@0.1.0' },
          {
            dir,
            // Without the mirror npm would try registry.npmjs.org: fail fast rather than time out.
            env: {
              NPM_MIRROR_TOKEN: mirrorToken,
              npm_config_fetch_retries: '0',
              npm_config_fetch_timeout: '5000',
            },
            unset: ['npm_config_registry'],
          },
        );
        expect(run.exitCode, run.log).toBe(0);
        expect(seen).toEqual(['GET /ci-connect', 'GET /ci-connect/-/ci-connect-0.1.0.tgz']);
        expect(run.log).not.toContain(mirrorToken);
        expect(dotenv(run).CI_CONNECT_RESULT).toBe('pass');
      } finally {
        server.close();
      }
    });

    it('evaluate: a configuration error exits 2 and still writes the dotenv', async () => {
      const run = await runJob('evaluate', { stage: 'hardening', service: 'orders', values: 'pass.json' });
      expect(run.exitCode, run.log).toBe(2);
      expect(dotenv(run)).toEqual({
        CI_CONNECT_RESULT: 'error',
        CI_CONNECT_SCORE: '',
        CI_CONNECT_EVALUATION_ID: '',
      });
      expect(JSON.parse(run.file('ci-connect.json'))).toMatchObject({ kind: 'error', exitCode: 2 });
      expect(run.file('metrics.txt')).toBe('# EOF\n');
    });

    it('evaluate: a stale report from an earlier job is not taken for this one', async () => {
      const first = await runJob('evaluate', { stage: 'hardening', service: 'carts', values: 'pass.json' });
      expect(first.exitCode, first.log).toBe(0);
      const again = await runJob(
        'evaluate',
        { stage: 'hardening', service: 'nope', values: 'pass.json' },
        { dir: first.dir },
      );
      expect(again.exitCode, again.log).toBe(2);
      expect(existsSync(path.join(first.dir, 'ci-connect-report/evaluation.json'))).toBe(false);
      expect(dotenv(again).CI_CONNECT_RESULT).toBe('error');
    });

    it('trigger-deployment: a manual approval stage exits 5 when the job was not started by hand', async () => {
      const run = await runJob('trigger-deployment', { stage: 'hardening', service: 'carts' });
      expect(run.exitCode, run.log).toBe(5);
      expect(dotenv(run).CI_CONNECT_RESULT).toBe('approval-required');
      expect(run.log).toContain('waits for a manual approval');
    });

    it('trigger-deployment: a manual job started by jane approves as jane (exit 0)', async () => {
      const run = await runJob(
        'trigger-deployment',
        { stage: 'hardening', service: 'carts', when: 'manual' },
        { env: { CI_JOB_MANUAL: 'true' } },
      );
      expect(run.exitCode, run.log).toBe(0);
      const [delivery] = JSON.parse(run.file('ci-connect.json')) as {
        result: string;
        tasks: { message: string }[];
      }[];
      expect(delivery?.result).toBe('pass');
      expect(delivery?.tasks[0]?.message).toContain('approved by jane');
      expect(dotenv(run).CI_CONNECT_RESULT).toBe('pass');
      const history = readFileSync(path.join(run.dir, '.ci-connect/history.jsonl'), 'utf8');
      expect(history).toContain('jane');
    });

    it('promote: a version never deployed to the stage before is a configuration error (exit 2)', async () => {
      const run = await runJob('promote', { stage: 'production', service: 'carts', version: '9.9.9' });
      expect(run.exitCode, run.log).toBe(2);
      expect(JSON.parse(run.file('ci-connect.json'))).toMatchObject({ kind: 'error', exitCode: 2 });
      expect(dotenv(run).CI_CONNECT_RESULT).toBe('error');
    });

    it('evaluate: keeps the merge request note, and a refused token never fails the gate or leaks', async () => {
      const token = 'glpat-Qm4rT8vX2nB6kW9sY3aF';
      standIn = await startGitLabStandIn({ token });
      const notes = '/api/v4/projects/187725/merge_requests/1/notes';
      standIn
        .expect({
          method: 'GET',
          path: notes,
          query: { per_page: '100' },
          respond: 'mr-notes-list_200_has-danger-bot-note',
        })
        .expect({ method: 'POST', path: notes, respond: 'mr-note-create_201' });
      const env = { CI_API_V4_URL: standIn.apiUrl, MR_NOTE_TOKEN: token };
      const inputs = {
        stage: 'hardening',
        service: 'carts',
        values: 'warning.json',
        gitlab_token_variable: 'MR_NOTE_TOKEN',
      };
      const run = await runJob('evaluate', inputs, { env });
      expect(run.exitCode, run.log).toBe(4);
      expect(standIn.violations).toEqual([]);
      expect(standIn.unusedExpectations()).toEqual([]);
      expect(run.log).toContain('merge request note created');
      expect(run.log).not.toContain(token);

      // The same job with the job token in the variable: GitLab refuses; a notice, exit code unchanged.
      await standIn.close();
      standIn = await startGitLabStandIn({ token: 'glcbt-64_jobtokenjobtokenjobtoken' });
      standIn
        .expect({
          method: 'GET',
          path: notes,
          query: { per_page: '100' },
          respond: { status: 200, body: [] },
        })
        .expect({ method: 'POST', path: notes, respond: 'error_403_forbidden_SYNTHETIC-edited-recording' });
      const refused = await runJob('evaluate', inputs, {
        env: { CI_API_V4_URL: standIn.apiUrl, MR_NOTE_TOKEN: 'glcbt-64_jobtokenjobtokenjobtoken' },
      });
      expect(refused.exitCode, refused.log).toBe(4);
      expect(standIn.violations).toEqual([]);
      expect(standIn.unusedExpectations()).toEqual([]);
      expect(refused.log).toContain('GitLab refused the note (403');
      expect(refused.log).not.toContain('glcbt-64_jobtokenjobtokenjobtoken');
      for (const file of [
        'ci-connect.json',
        'evaluation.json',
        'summary.md',
        'junit.xml',
        'index.html',
        'ci-connect.env',
      ])
        expect(refused.file(file)).not.toContain('jobtoken');
    });

    it('evaluate: under CI_DEBUG_TRACE (xtrace) no command the script runs shows the token', async () => {
      const token = 'glpat-TraceTrace4Hn8Jm2Qx';
      const run = await runJob(
        'evaluate',
        { stage: 'hardening', service: 'carts', values: 'pass.json', gitlab_token_variable: 'MR_NOTE_TOKEN' },
        // No merge request: the comment command runs, finds none, and says so.
        { env: { MR_NOTE_TOKEN: token, CI_MERGE_REQUEST_IID: '' }, xtrace: true },
      );
      expect(run.exitCode, run.log).toBe(0);
      expect(run.log).toContain('+ ');
      expect(run.log).toContain('not a merge request pipeline');
      expect(run.log).not.toContain(token);
    });

    it("evaluate: a merge request from a fork, whose pipeline has not the project's token: the log says why there is no note", async () => {
      const run = await runJob(
        'evaluate',
        { stage: 'hardening', service: 'carts', values: 'pass.json' },
        {
          env: {
            CI_PROJECT_ID: '999001',
            CI_MERGE_REQUEST_PROJECT_ID: '187725',
            CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '999001',
          },
        },
      );
      expect(run.exitCode, run.log).toBe(0);
      expect(run.log).toContain(
        'ci-connect: no merge request note: this merge request comes from a fork, whose pipeline has no CI_CONNECT_GITLAB_TOKEN',
      );
    });

    it('evaluate: without the token variable no note is attempted, and the gate exits as it did', async () => {
      const run = await runJob('evaluate', { stage: 'hardening', service: 'carts', values: 'fail.json' });
      expect(run.exitCode, run.log).toBe(1);
      // CI_API_V4_URL points at a closed port: a request would have said so.
      expect(run.log).not.toContain('merge request note');
      expect(run.log).not.toContain('could not write the note');
    });
  });
});
