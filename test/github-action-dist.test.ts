// The GitHub Action's package as GitHub reads it: action.yml valid against SchemaStore's schema
// (../shared/schemas/github-action.json), every input the code reads declared there, and the
// committed dist/index.js exactly what the sources build today (a stale dist fails here).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND_INPUTS } from '../packages/github-action/src/command-inputs.js';
import { actionDir } from './support/action-runner.js';
import { defineRealComponent, findExecutable, itWithReal, repoRoot } from './support/real-components.js';

const DIST = 'packages/github-action/dist/index.js';

// ajv 8, core's own (the root's node_modules holds eslint's ajv 6).
interface SchemaValidator {
  (data: unknown): boolean;
  errors?: unknown;
}
const { Ajv } = createRequire(path.join(repoRoot, 'packages/core/package.json'))('ajv') as {
  Ajv: new (options: object) => { compile(schema: object): SchemaValidator };
};

const actionYml = parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};

describe('action.yml', () => {
  it("validates against SchemaStore's github-action schema", () => {
    const schema = JSON.parse(
      readFileSync(path.resolve(repoRoot, '../shared/schemas/github-action.json'), 'utf8'),
    ) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(actionYml), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema does check: a runtime GitHub does not have is refused.
    expect(validate({ ...actionYml, runs: { using: 'node99', main: 'dist/index.js' } })).toBe(false);
  });

  it('runs dist/index.js on node24 and has the outputs of the contract', () => {
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(actionYml.outputs).sort()).toEqual([
      'evaluation_id',
      'exit_code',
      'report_dir',
      'result',
      'score',
    ]);
  });

  it('declares every input the sources read, in snake_case, each with a description', () => {
    const sources = readdirSync(path.join(actionDir, 'src'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(path.join(actionDir, 'src', f), 'utf8'))
      .join('\n');
    const read = new Set(
      [...sources.matchAll(/\b(?:text|oneOf|flag|integer|keyValues|secret|getInput)\('([a-z_]+)'/g)].map(
        (m) => m[1] as string,
      ),
    );
    expect([...read].sort()).toEqual(Object.keys(actionYml.inputs).sort());
    // Each input belongs to a command (an input no command uses would draw a warning on every run).
    expect([...new Set(Object.values(COMMAND_INPUTS).flat())].sort()).toEqual(
      Object.keys(actionYml.inputs).sort(),
    );
    for (const [name, input] of Object.entries(actionYml.inputs)) {
      expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(input.description.length, name).toBeGreaterThan(20);
    }
  });
});

describe('docs/ci/github.md', () => {
  const page = readFileSync(path.join(repoRoot, 'docs/ci/github.md'), 'utf8');
  const blocks = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

  it("has a workflow that validates against SchemaStore's github-workflow schema and uses only real inputs", () => {
    const schema = JSON.parse(
      readFileSync(path.resolve(repoRoot, '../shared/schemas/github-workflow.json'), 'utf8'),
    ) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const workflow = parse(blocks.find((b) => b.startsWith('name:')) ?? '') as {
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    expect(validate(workflow), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The approval job, indented under jobs: in the page, as a job of its own.
    const approvalJob = blocks.find((b) => b.trimStart().startsWith('production:')) ?? '';
    const withApproval = { ...workflow, jobs: { ...workflow.jobs, ...(parse(approvalJob) as object) } };
    expect(validate(withApproval), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const steps = Object.values(withApproval.jobs as typeof workflow.jobs).flatMap((job) => job.steps);
    const ours = steps.filter((step) => step.uses === 'ci-connect/ci-connect/packages/github-action@v0.1.0');
    expect(ours).toHaveLength(2);
    for (const step of ours)
      for (const input of Object.keys(step.with ?? {}))
        expect(Object.keys(actionYml.inputs)).toContain(input);
  });
});

// `npm test` runs `npm run build` first, which rewrites dist/index.js from the sources: a rebuild
// compared with the file on disk would then always agree. What GitHub runs is what git has, so the
// file on disk is compared with git's copy too (the index: the commit a CI run checked out, or
// what a developer staged for the next one).
const gitCheckout = defineRealComponent({
  name: 'git, in a checkout of this repository',
  installHint: 'apt-get install -y git, and run the tests in a git clone',
  detect: () => {
    const git = findExecutable('git');
    if (git === undefined) return { available: false, reason: 'no `git` on PATH' };
    try {
      execFileSync(git, ['ls-files', '--error-unmatch', DIST], { cwd: repoRoot, stdio: 'ignore' });
    } catch {
      return { available: false, reason: `${DIST} is not tracked by git here (not a clone?)` };
    }
    return { available: true, bin: git, details: git };
  },
});

describe('dist/index.js', () => {
  it('is what the sources build now (run `npm run build -w packages/github-action` and commit it)', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'ci-connect-action-dist-')), 'index.js');
    execFileSync(process.execPath, [path.join(actionDir, 'scripts/bundle.js'), out], { stdio: 'inherit' });
    const built = readFileSync(out);
    const onDisk = readFileSync(path.join(repoRoot, DIST));
    expect(built.length).toBe(onDisk.length);
    expect(built.equals(onDisk)).toBe(true);
    // One file with everything in it, small enough to review the diff of its size.
    expect(onDisk.length).toBeLessThan(1_500_000);
  });

  itWithReal(
    gitCheckout,
    'is committed as built (a rebuild that changed it is not in git yet)',
    ({ bin }) => {
      const inGit = execFileSync(bin, ['show', `:${DIST}`], { cwd: repoRoot, maxBuffer: 64 << 20 });
      const onDisk = readFileSync(path.join(repoRoot, DIST));
      expect(
        inGit.equals(onDisk),
        `${DIST} differs from git's copy: the build changed it; commit the rebuilt file`,
      ).toBe(true);
    },
  );
});
