/**
 * Workloads of the shipyard's `test` task, as Keptn's jmeter-service defined them: the task's
 * `teststrategy` picks an entry of jmeter/jmeter.conf.yaml, or else a built-in default
 * (jmeter-service `model.go` defaultWorkloads: healthcheck, performance, functional).
 */

/** How one test strategy runs: the load, the plan and what counts as a failed test. */
export interface JmeterWorkload {
  /** Lower-case, as the shipyard's teststrategy is matched (jmeter-service lower-cases it). */
  testStrategy: string;
  /** Threads: the plan's `VUCount` property. */
  vuser: number;
  /** Iterations per thread: the plan's `LoopCount` property. */
  loopCount: number;
  /** Milliseconds: the plan's `ThinkTime` property. */
  thinkTimeMs: number;
  /** The plan, relative to the service's directory in the config directory (`jmeter/load.jmx`). */
  script: string;
  /** Highest accepted fraction of failed samples, 0-1 (0.05: at most 5%). */
  acceptedErrorRate: number;
  /** Highest accepted average response time in ms; 0 turns the check off. */
  avgRtValidationMs: number;
  /** Extra JMeter properties for the plan (`-Jname=value`). */
  properties: Readonly<Record<string, string>>;
}

/** Where a resolved workload came from, for messages and dry runs. */
export type WorkloadOrigin =
  { kind: 'conf'; file: string; line: number; column: number } | { kind: 'default' };

/** The workload a test task runs, and the plans to try in order (the first that exists wins). */
export interface ResolvedWorkload extends JmeterWorkload {
  origin: WorkloadOrigin;
  /**
   * For a default workload: `jmeter/<teststrategy>.jmx`, then jmeter-service's own default plan
   * (`jmeter/load.jmx`, `jmeter/basiccheck.jmx`) so Keptn projects keep working unchanged.
   * For a workload from jmeter.conf.yaml: only its script.
   */
  scriptCandidates: readonly string[];
}

/** A workload from jmeter.conf.yaml, with where it is written. */
export interface ConfWorkload extends JmeterWorkload {
  line: number;
  column: number;
}

/** A parsed jmeter.conf.yaml. */
export interface JmeterConf {
  file: string;
  /** As written (`'0.1.0'`); jmeter-service never checked it. */
  specVersion?: string;
  /** In file order; for a strategy listed twice the first entry counts, as in jmeter-service. */
  workloads: readonly ConfWorkload[];
}

/** The strategy for which jmeter-service accepted no failed sample at all, whatever the workload says. */
export const FUNCTIONAL_STRATEGY = 'functional';

type WorkloadNumbers = Pick<JmeterWorkload, 'vuser' | 'loopCount' | 'thinkTimeMs' | 'acceptedErrorRate'>;

/** jmeter-service's built-in workloads, with the plan it ran for each. */
const KEPTN_DEFAULTS: Readonly<Record<string, WorkloadNumbers & { keptnScript: string }>> = {
  healthcheck: {
    vuser: 1,
    loopCount: 1,
    thinkTimeMs: 250,
    acceptedErrorRate: 0,
    keptnScript: 'jmeter/basiccheck.jmx',
  },
  performance: {
    vuser: 10,
    loopCount: 500,
    thinkTimeMs: 250,
    acceptedErrorRate: 0.1,
    keptnScript: 'jmeter/load.jmx',
  },
  functional: {
    vuser: 1,
    loopCount: 1,
    thinkTimeMs: 250,
    acceptedErrorRate: 0.1,
    keptnScript: 'jmeter/load.jmx',
  },
};

/** For any other strategy without an entry: jmeter-service's functional numbers. */
const GENERIC_DEFAULT: WorkloadNumbers = { vuser: 1, loopCount: 1, thinkTimeMs: 250, acceptedErrorRate: 0.1 };

/** The plan a strategy runs when nothing names one: `jmeter/<teststrategy>.jmx` (DESIGN.md section 3). */
export function defaultScript(testStrategy: string): string {
  return `jmeter/${testStrategy}.jmx`;
}

/** Lower-cases and trims a teststrategy, as jmeter-service matched it. */
export function normaliseStrategy(testStrategy: string): string {
  return testStrategy.trim().toLowerCase();
}

/**
 * The workload for `testStrategy`: the first jmeter.conf.yaml entry for it (case-insensitive),
 * else the built-in default. `conf` undefined: the service has no jmeter.conf.yaml.
 */
export function resolveWorkload(conf: JmeterConf | undefined, testStrategy: string): ResolvedWorkload {
  const strategy = normaliseStrategy(testStrategy);
  const entry = conf?.workloads.find((w) => w.testStrategy === strategy);
  if (entry !== undefined && conf !== undefined) {
    const { line, column, ...workload } = entry;
    return {
      ...workload,
      origin: { kind: 'conf', file: conf.file, line, column },
      scriptCandidates: [workload.script],
    };
  }
  const keptn = KEPTN_DEFAULTS[strategy];
  const numbers = keptn ?? GENERIC_DEFAULT;
  const script = defaultScript(strategy);
  return {
    testStrategy: strategy,
    vuser: numbers.vuser,
    loopCount: numbers.loopCount,
    thinkTimeMs: numbers.thinkTimeMs,
    acceptedErrorRate: numbers.acceptedErrorRate,
    avgRtValidationMs: 0,
    properties: {},
    script,
    origin: { kind: 'default' },
    scriptCandidates:
      keptn === undefined || keptn.keptnScript === script ? [script] : [script, keptn.keptnScript],
  };
}
