/**
 * The JMeter properties (`-Jname=value`) a test plan reads, named as Keptn's jmeter-service
 * passed them (jmeter-service `jmeterUtils.go`), so Keptn's plans run unchanged:
 * `${__P(SERVER_URL,localhost)}`, `${__P(VUCount,1)}`...
 */

import { SAVE_SERVICE_PREFIX, checkPropertyName } from '../../config/jmeter/property-names.js';
import { UsageError } from '../../errors.js';
import type { JmeterWorkload } from '../../config/jmeter/jmeter-workload.js';

/**
 * How JMeter writes the results file, whatever the installation's user.properties says: CSV
 * with a header line, epoch-millisecond timestamps and the columns the JTL reader needs
 * (timeStamp, elapsed, label, success), plus Latency and Connect for SLIs on them.
 */
export const RESULTS_FORMAT_PROPERTIES: Readonly<Record<string, string>> = {
  [`${SAVE_SERVICE_PREFIX}output_format`]: 'csv',
  [`${SAVE_SERVICE_PREFIX}print_field_names`]: 'true',
  [`${SAVE_SERVICE_PREFIX}default_delimiter`]: ',',
  [`${SAVE_SERVICE_PREFIX}timestamp_format`]: 'ms',
  [`${SAVE_SERVICE_PREFIX}time`]: 'true',
  [`${SAVE_SERVICE_PREFIX}label`]: 'true',
  [`${SAVE_SERVICE_PREFIX}successful`]: 'true',
  [`${SAVE_SERVICE_PREFIX}response_code`]: 'true',
  [`${SAVE_SERVICE_PREFIX}latency`]: 'true',
  [`${SAVE_SERVICE_PREFIX}connect_time`]: 'true',
};

/** Who the test is for; each given field reaches the plan as KEPTN_PROJECT, KEPTN_STAGE, KEPTN_SERVICE. */
export interface JmeterTestContext {
  project?: string;
  stage?: string;
  service?: string;
}

/**
 * PROTOCOL, SERVER_PROTOCOL, SERVER_URL (the host), SERVER_PORT (80/443 when the URL has
 * none) and CHECK_PATH (`/health` when the URL has no path), as jmeter-service derived them.
 */
export function targetProperties(targetUrl: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    // A URL too broken to parse may still hold user:password@: never repeat that part.
    const shown = targetUrl.replace(/^([^/]*\/\/)[^/?#]*@/, '$1***@');
    throw new UsageError(`the test target ${JSON.stringify(shown)} is not a URL`, {
      hint: 'give the URL of the deployed service, e.g. http://carts.dev.svc:8080',
    });
  }
  if (url.password !== '' || url.username !== '') {
    throw new UsageError('the test target URL contains a user or password', {
      hint: "leave credentials out of the URL: it reaches JMeter's command line; let the plan read them from the environment",
    });
  }
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== 'http' && protocol !== 'https') {
    throw new UsageError(`the test target ${JSON.stringify(targetUrl)} is not an http(s) URL`, {
      hint: 'JMeter plans read PROTOCOL as http or https',
    });
  }
  const port = url.port !== '' ? url.port : protocol === 'https' ? '443' : '80';
  return {
    PROTOCOL: protocol,
    SERVER_PROTOCOL: protocol,
    // JMeter's HTTP sampler takes an IPv6 host without brackets.
    SERVER_URL: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    SERVER_PORT: port,
    CHECK_PATH: hasPath(targetUrl) ? url.pathname : '/health',
  };
}

/** Whether the URL text has a path after its host: `http://a` has none, `http://a/` has `/`. */
function hasPath(targetUrl: string): boolean {
  const match = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*(\/[^?#]*)?/i.exec(targetUrl.trim());
  return match?.[1] !== undefined;
}

/** Every property a run passes, in the order they appear on the command line. */
export function testProperties(input: {
  workload: JmeterWorkload;
  targetUrl?: string;
  loadTestName: string;
  context?: JmeterTestContext;
  properties?: Readonly<Record<string, string>>;
}): Record<string, string> {
  const { workload, context = {} } = input;
  for (const name of Object.keys(input.properties ?? {})) {
    const problem = checkPropertyName(name);
    if (problem !== undefined) throw new UsageError(problem.message, { hint: problem.hint });
  }
  const keptn: Record<string, string | undefined> = {
    KEPTN_PROJECT: context.project,
    KEPTN_STAGE: context.stage,
    KEPTN_SERVICE: context.service,
    KEPTN_TESTSTRATEGY: workload.testStrategy,
  };
  return {
    ...(input.targetUrl === undefined ? {} : targetProperties(input.targetUrl)),
    DT_LTN: input.loadTestName,
    VUCount: String(workload.vuser),
    LoopCount: String(workload.loopCount),
    ThinkTime: String(workload.thinkTimeMs),
    ...Object.fromEntries(Object.entries(keptn).filter((e): e is [string, string] => e[1] !== undefined)),
    ...workload.properties,
    ...input.properties,
    ...RESULTS_FORMAT_PROPERTIES,
  };
}

/**
 * jmeter-service's load test name (DT_LTN): `<project>_<service>_<stage>_<teststrategy>_<run>`,
 * where Keptn used its context id; pass e.g. the CI pipeline id as `run`.
 */
export function keptnLoadTestName(parts: {
  project: string;
  service: string;
  stage: string;
  testStrategy: string;
  run: string;
}): string {
  return [parts.project, parts.service, parts.stage, parts.testStrategy, parts.run].join('_');
}
