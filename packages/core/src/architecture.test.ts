// The architecture, checked over real imports. Each rule below names the layer it protects
// and why; the test reads every production file under src/, follows each static import and
// export-from, each dynamic `import()` and each `import('...')` type, type-only imports
// included (they close cycles `import-x/no-cycle` does not see), and fails listing the edges.
// Tests and test-support helpers may import anything; they are left out of the graph, and no
// production file may import them, so they cannot close a cycle among production files.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  describeEdge,
  findCycles,
  findSpecifiers,
  isTestCode,
  listSourceFiles,
  matchesAny,
  readEdges,
} from './test-support/import-graph.js';
import type { Glob, ImportEdge } from './test-support/import-graph.js';

interface LayerRule {
  /** What the rule protects, as one sentence. */
  readonly name: string;
  /** Files the rule applies to. */
  readonly from: readonly Glob[];
  /** Files among `from` the rule leaves alone. */
  readonly except?: readonly Glob[];
  /** Files those may not import. */
  readonly forbidden?: readonly Glob[];
  /** Files among `forbidden` they may import after all. */
  readonly allowed?: readonly Glob[];
  /** Files among `forbidden` they may import for types only (`import type`). */
  readonly allowedForTypes?: readonly Glob[];
  /** Packages (bare specifiers, node: built-ins included) they may not import. */
  readonly forbiddenPackages?: readonly Glob[];
  readonly why: string;
}

/** The use cases: they wire the layers below together, so nothing below may reach up. */
const ORCHESTRATION: readonly Glob[] = [
  'app/**',
  'stage-run/**',
  'evaluation/run-evaluation.ts',
  'events/run-send-event.ts',
  'doctor/run-doctor.ts',
];

/** The package entry and the barrels that re-export a use case: the public face, above it all. */
const PUBLIC_ENTRIES: readonly Glob[] = ['index.ts', 'doctor/index.ts', 'events/index.ts'];

/** Modules every layer may use: errors, the injected environment, files, redaction, durations. */
const SHARED_LEAVES: readonly Glob[] = [
  'errors.ts',
  'environment.ts',
  'control-characters.ts',
  'duration.ts',
  'files/**',
  'redaction/**',
  // The Diagnostic type ConfigError carries; it imports nothing.
  'config/diagnostics.ts',
];

/** The user's configuration files, read and checked: ci-connect.yaml, SLO, SLI, shipyard, remediation, jmeter.conf. */
const CONFIGURATION: readonly Glob[] = ['config/**', 'shipyard/**', 'remediation/**'];

/** The external programs ci-connect drives (helm, JMeter, child processes). */
const TOOLS: readonly Glob[] = ['tools/**'];

/** Everything that computes or renders a verdict: the scorer, the evaluation, baselines, reports. */
const VERDICTS: readonly Glob[] = ['gate/**', 'evaluation/**', 'history/baseline.ts', 'report/**'];

/** Packages that start processes or talk to the network. */
const SIDE_EFFECT_PACKAGES: readonly Glob[] = [
  'child_process',
  'node:child_process',
  'node:http',
  'node:https',
  'node:net',
  'axios',
];

/** Packages that belong to a front end (the CLI, the GitHub Action), never to core. */
const FRONT_END_PACKAGES: readonly Glob[] = [
  'ci-connect',
  'ci-connect/**',
  'oclif',
  '@oclif/**',
  'chalk',
  'listr2',
  '@actions/**',
];

/** The architecture: who may not import what, and why. Read it top to bottom. */
const LAYER_RULES: readonly LayerRule[] = [
  {
    name: 'nothing below orchestration imports orchestration',
    from: ['**'],
    except: [...ORCHESTRATION, ...PUBLIC_ENTRIES],
    forbidden: [...ORCHESTRATION, ...PUBLIC_ENTRIES],
    why: 'a use case composes the layers below it; a layer that imports one cannot be used or tested without all of it',
  },
  {
    name: 'core imports no CLI, oclif, chalk, listr2 or @actions/*',
    from: ['**'],
    forbiddenPackages: FRONT_END_PACKAGES,
    why: 'core is all domain logic; presentation and CI-system glue live in a front end',
  },
  {
    name: 'config loading runs nothing and imports no runner or tool',
    from: CONFIGURATION,
    // The Problems API client of `remediate` (issue 13): Dynatrace's, over the one HTTP client.
    except: ['remediation/dynatrace-problems.ts'],
    forbidden: ['**'],
    // The locator of a JSON syntax error, for an --event-file's file:line:col (remediation/problem-input.ts).
    allowed: [...CONFIGURATION, 'gate/**', 'history/json-error-offset.ts', ...SHARED_LEAVES],
    forbiddenPackages: SIDE_EFFECT_PACKAGES,
    why: 'reading and checking configuration reads files only; it must not load the code that runs, fetches or evaluates',
  },
  {
    name: 'a problem payload is parsed, never fetched',
    from: ['remediation/problem-input.ts'],
    forbidden: ['**'],
    allowed: ['remediation/types.ts', 'history/json-error-offset.ts', ...SHARED_LEAVES],
    forbiddenPackages: SIDE_EFFECT_PACKAGES,
    why: 'reading an --event-file payload is text in, a Problem out; the use case reads the file',
  },
  {
    name: 'the Problems API client talks to Dynatrace through the HTTP client alone',
    from: ['remediation/dynatrace-problems.ts'],
    forbidden: ['**'],
    allowed: [
      'remediation/problems-v2-model.ts',
      'remediation/types.ts',
      'http/http-client.ts',
      'providers/dynatrace/dynatrace-api.ts',
      'providers/dynatrace/environment-urls.ts',
      'providers/dynatrace/metric-data.ts',
      ...SHARED_LEAVES,
    ],
    forbiddenPackages: SIDE_EFFECT_PACKAGES,
    why: 'one client with retries, proxies and redaction serves every caller; the problem client adds the Problems API model only',
  },
  {
    name: 'the scorer imports nothing outside itself',
    from: ['gate/**'],
    forbidden: ['**'],
    allowed: ['gate/**'],
    forbiddenPackages: ['**'],
    why: 'scoring is a pure function: SLOs, SLI values and a baseline in, an evaluation out; no I/O, no clock',
  },
  {
    name: 'providers return values, never verdicts',
    from: ['providers/**'],
    forbidden: [...VERDICTS, ...TOOLS, 'history/**', 'events/**'],
    allowedForTypes: ['gate/types.ts'],
    why: 'a provider measures (SliValue, from the scorer’s vocabulary); judging the measurement is the scorer’s job alone',
  },
  {
    name: 'tools know nothing of evaluations, history or events',
    from: TOOLS,
    forbidden: [...VERDICTS, 'history/**', 'events/**', 'doctor/**'],
    why: 'a tool wrapper runs one external program and reports what it did; the stage run decides what that means',
  },
  {
    name: 'shared leaves import only each other',
    from: SHARED_LEAVES,
    forbidden: ['**'],
    allowed: SHARED_LEAVES,
    why: 'every layer imports them, so anything they import is imported everywhere',
  },
  {
    name: 'the HTTP client knows no provider, event or use case',
    from: ['http/**'],
    forbidden: ['**'],
    allowed: ['http/**', ...SHARED_LEAVES],
    why: 'one client with retries, proxies and redaction serves every caller alike',
  },
  {
    name: 'review comments render a result and post it through the HTTP client, nothing else',
    from: ['review-comments/**'],
    forbidden: ['**'],
    allowed: ['review-comments/**', 'report/**', 'http/**', ...SHARED_LEAVES],
    allowedForTypes: ['gate/types.ts'],
    forbiddenPackages: SIDE_EFFECT_PACKAGES,
    why: 'a merge request note or pull request comment is a view of an evaluation; fetching SLIs, reading history or running tools is a use case’s job',
  },
  {
    name: 'pipeline plans and renderers are pure: a shipyard in, a file’s text out',
    from: ['pipelines/**'],
    forbidden: ['**'],
    allowed: ['pipelines/**', 'shipyard/types.ts', 'shipyard/sequence-plan.ts', 'errors.ts'],
    forbiddenPackages: ['fs', 'fs/**', 'node:fs', 'node:fs/**', ...SIDE_EFFECT_PACKAGES],
    why: 'generate pipeline must write the same bytes for the same shipyard; reading and writing files is the use case’s job (app/generate-pipeline.ts)',
  },
  {
    name: 'reports render an evaluation and fetch, store or send nothing',
    from: ['report/**'],
    forbidden: ['**'],
    allowed: ['report/**', 'gate/**', ...SHARED_LEAVES],
    why: 'a report is a pure view of an evaluation record',
  },
];

const SRC = path.dirname(fileURLToPath(import.meta.url));
const productionFiles = listSourceFiles(SRC).filter((file) => !isTestCode(file));
const productionSet = new Set(productionFiles);
const edges = readEdges(SRC, productionFiles);

describe('architecture: the layers hold', () => {
  it('sees the whole source tree and resolves every relative import', () => {
    expect(productionFiles.length).toBeGreaterThan(100);
    const unresolved = edges.filter((edge) => edge.to !== undefined && !existsSync(path.join(SRC, edge.to)));
    expect(unresolved.map(describeEdge), 'relative imports that name no file').toEqual([]);
  });

  it('reads static, type-only, re-export, dynamic and import-type specifiers', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { e, type E } from './e.js';",
      "import './f.js';",
      "export * from './g.js';",
      "export type { H } from './h.js';",
      "const i = await import('./i.js');",
      "type J = import('./j.js').J;",
    ].join('\n');
    expect(findSpecifiers(text)).toEqual([
      { specifier: './a.js', typeOnly: false },
      { specifier: './b.js', typeOnly: true },
      { specifier: './c.js', typeOnly: true },
      { specifier: './e.js', typeOnly: false },
      { specifier: './f.js', typeOnly: false },
      { specifier: './g.js', typeOnly: false },
      { specifier: './h.js', typeOnly: true },
      { specifier: './i.js', typeOnly: false },
      { specifier: './j.js', typeOnly: true },
    ]);
  });

  it('matches globs by path segment', () => {
    expect(matchesAny('gate/score.ts', ['gate/**'])).toBe(true);
    expect(matchesAny('index.ts', ['**'])).toBe(true);
    expect(matchesAny('stage-run-x.ts', ['stage-run/**'])).toBe(false);
    expect(matchesAny('providers/dynatrace/index.ts', ['providers/*.ts'])).toBe(false);
    expect(matchesAny('@oclif/core', ['@oclif/**'])).toBe(true);
  });

  it('names only folders and files that exist in each rule’s `from`', () => {
    const stale = LAYER_RULES.flatMap((rule) =>
      rule.from
        .filter((glob) => !productionFiles.some((file) => matchesAny(file, [glob])))
        .map((glob) => `${rule.name}: ${glob}`),
    );
    expect(stale, 'a rule over nothing checks nothing').toEqual([]);
  });

  it.each(LAYER_RULES)('$name', (rule) => {
    const applies = (edge: ImportEdge) =>
      edge.from !== edge.to && matchesAny(edge.from, rule.from) && !matchesAny(edge.from, rule.except ?? []);
    const offending = edges.filter((edge) => {
      if (!applies(edge)) return false;
      if (edge.to === undefined) return matchesAny(edge.specifier, rule.forbiddenPackages ?? []);
      return (
        matchesAny(edge.to, rule.forbidden ?? []) &&
        !matchesAny(edge.to, rule.allowed ?? []) &&
        !(edge.typeOnly && matchesAny(edge.to, rule.allowedForTypes ?? []))
      );
    });
    expect(offending.map(describeEdge), `${rule.name}: ${rule.why}`).toEqual([]);
  });

  it('core imports nothing outside packages/core/src but packages', () => {
    const offending = edges.filter((edge) => edge.to?.startsWith('../'));
    expect(offending.map(describeEdge), 'another package is reached through its published entry').toEqual([]);
  });

  it('production code imports no test file or test-support helper', () => {
    const offending = edges.filter(
      (edge) => edge.to !== undefined && !productionSet.has(edge.to) && isTestCode(edge.to),
    );
    expect(offending.map(describeEdge), 'test code is not built into dist').toEqual([]);
  });

  it('has no import cycles of any kind, type-only imports included', () => {
    const cycles = findCycles(productionFiles, edges).map((members) => {
      const inside = edges.filter(
        (edge) => edge.to !== undefined && members.includes(edge.from) && members.includes(edge.to),
      );
      return `${members.join(', ')}: ${inside.map(describeEdge).join('; ')}`;
    });
    expect(cycles, 'files that import each other, directly or through others').toEqual([]);
  });
});
