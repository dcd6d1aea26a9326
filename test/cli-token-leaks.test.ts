// No credential reaches any output (DESIGN.md section 9), tried as an attacker would: every HTTP
// path of the CLI (Prometheus, Dynatrace metrics and DQL, send-event, doctor, the CloudEvents
// sink, the evaluation's Dynatrace event, a refusing proxy) talks to a server that echoes back
// every credential it was sent, with the 300-character cut placed at the start, middle and end of
// the credential under test. Every output (stdout, stderr, history, reports, event bodies sent out)
// is then searched for every credential: raw, URL-encoded, base64 (also of user:password pairs),
// and any 8 characters of it in a row. The credentials enter the way users give them: default and
// configured env vars, secret-named env vars pulled in by `$ENV.<VAR>`, URL user-info and proxies.
// The exhaustive sweep of every cut position through the shared HTTP client is in
// packages/core/src/http/redaction-cut.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './support/cli.js';
import { startEchoServer, type EchoServer } from './support/echo-server.js';

const DT_TOKEN =
  'dt0c01.LKTSTPUBLICPART4Z9Q2W7E.Zq8vN3xR7pL2mK9tY4wB6cH1jD5fG0sA8eU3iO7yT2rE6wQ9nM4bV1cX5zL8kJ3';
const PLATFORM_TOKEN = 'dt0s16.PLTFRM7Q2W.Yh4Kp9Xw2Rt6Nv3Bq8Lm5Zc1Jd7Fs0Ga4Eu9Io2Tr6We3Qn8Mb5Vc1Xz7';
const PROM_TOKEN = 'pTok_7hG3kL9qW2eR5tY8uI1oP4aS6dF0gH3jK';
const PROM_USER = 'gatekeeper';
const PROM_PASSWORD = 'Pw/8x+Q3z=9K&m%2Fr!T7v"L4';
const URL_USER = 'ci-reader';
const URL_PASSWORD = 'Ur1:pa ss@W0rd/4Kz';
const PROXY_USER = 'egress-user';
const PROXY_PASSWORD = 'Px9%Wq2@Lm7#Zr4$Tk';
const SINK_TOKEN = 'ceSink-4Rf8Tg2Yh6Uj0Ik3Ol7Pz9Xc5Vb1Nm';
// Named in ci-connect.yaml as the Prometheus token, while only Dynatrace SLIs run: pulled into a
// Dynatrace query by $ENV, it must be masked although its provider is never loaded.
const UNLOADED_TOKEN = 'unLoaded-9Gh2Jk5Lq8Wx3Ez6Rc1Tv4Yb7Un0Mi';
const APP_SECRET = 'appSecret-3Mn6Bv9Cx2Zl5Kj8Hg1Fd4Sa7Qw0Er';

const SECRETS = [
  DT_TOKEN,
  PLATFORM_TOKEN,
  PROM_TOKEN,
  PROM_PASSWORD,
  URL_PASSWORD,
  PROXY_PASSWORD,
  SINK_TOKEN,
  UNLOADED_TOKEN,
  APP_SECRET,
];
const PAIRS: readonly [string, string][] = [
  [PROM_USER, PROM_PASSWORD],
  [URL_USER, URL_PASSWORD],
  [encodeURIComponent(URL_USER), encodeURIComponent(URL_PASSWORD)],
  [PROXY_USER, PROXY_PASSWORD],
  [encodeURIComponent(PROXY_USER), encodeURIComponent(PROXY_PASSWORD)],
];

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Every way a credential can show: whole forms, and 8 characters of any of them in a row. */
function forbiddenFragments(): string[] {
  const whole = SECRETS.flatMap((s) => [s, encodeURIComponent(s), base64(s), JSON.stringify(s).slice(1, -1)]);
  const windows = SECRETS.flatMap((s) => [s, encodeURIComponent(s)].flatMap((form) => windowsOf(form, 8)));
  // In base64 of user:password, the characters that encode the password (the user is no secret).
  const pairWindows = PAIRS.flatMap(([user, password]) => {
    const encoded = base64(`${user}:${password}`);
    return windowsOf(encoded.slice(Math.ceil(((user.length + 1) * 8) / 6) + 1), 8);
  });
  return [...new Set([...whole, ...windows, ...pairWindows])];
}

function windowsOf(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= text.length; i++) out.push(text.slice(i, i + size));
  return out;
}

const FORBIDDEN = forbiddenFragments();

function leaksIn(where: string, text: string): string[] {
  return FORBIDDEN.filter((fragment) => text.includes(fragment)).map((fragment) => `${where}: ${fragment}`);
}

/** Every file under a directory, recursively (history, reports, results). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const SLO = 'objectives:\n  - sli: indicator\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%"}\n';
const WINDOW = ['--start', '2026-11-20T10:00:00Z', '--end', '2026-11-20T10:05:00Z'];
const SHIPYARD = `apiVersion: "spec.keptn.sh/0.2.2"
kind: "Shipyard"
metadata: {name: "shipyard-shop"}
spec:
  stages:
    - name: "hardening"
      sequences:
        - name: "delivery"
          tasks:
            - name: "deployment"
              properties: {deploymentstrategy: "user_managed"}
            - name: "test"
              properties: {teststrategy: "performance"}
`;

/** A project directory: ci-connect.yaml naming the extra secrets, SLO and SLI files, a shipyard. */
function makeProject(api: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-connect-leaks-'));
  // Not the default .ci-connect: only the paths that name it with --config-dir read it.
  const config = path.join(dir, 'project');
  mkdirSync(config);
  writeFileSync(
    path.join(config, 'ci-connect.yaml'),
    `project: shop
providers:
  prometheus:
    tokenEnv: UNLOADED_PROMETHEUS_TOKEN
events:
  cloudevents:
    sink: ${api}/cloudevents
    tokenEnv: CE_CREDS
tasks:
  test:
    command: [${JSON.stringify(process.execPath)}, "-e", "console.log('load test ran')"]
`,
  );
  writeFileSync(path.join(config, 'shipyard.yaml'), SHIPYARD);
  mkdirSync(path.join(config, 'base', 'carts'), { recursive: true });
  writeFileSync(path.join(dir, 'slo.yaml'), SLO);
  writeFileSync(path.join(dir, 'prometheus.yaml'), 'indicators:\n  indicator: "sum(rate(errors[5m]))"\n');
  writeFileSync(
    path.join(dir, 'dynatrace.yaml'),
    'indicators:\n  indicator: "MV2;MicroSecond;metricSelector=builtin:service.response.time:percentile(95)' +
      '&entitySelector=type(SERVICE),tag(key:$ENV.UNLOADED_PROMETHEUS_TOKEN),tag(app:$ENV.APP_SIGNING_SECRET)"\n',
  );
  writeFileSync(
    path.join(dir, 'dql.yaml'),
    'indicators:\n  indicator: "DQL;fetch logs | filter secret == \\"$ENV.APP_SIGNING_SECRET\\" | summarize value = count()"\n',
  );
  writeFileSync(path.join(dir, 'values.json'), '{"indicator": 0.5}\n');
  return dir;
}

interface LeakPath {
  name: string;
  /** The credential whose forms the cut is placed in. */
  focus: (api: string) => string[];
  args: readonly string[];
  env: (api: string) => Record<string, string>;
  /** The exit code, with a JSON error envelope and with a text answer. */
  exit: { json: number; text: number };
}

const GATE = [
  'evaluate',
  '--slo',
  'slo.yaml',
  ...WINDOW,
  '--history',
  'file:history.jsonl',
  '--report-dir',
  'reports',
];
const hostOf = (api: string) => new URL(api).host;

const PATHS: readonly LeakPath[] = [
  {
    name: 'Prometheus with a bearer token',
    exit: { json: 1, text: 3 },
    focus: () => [PROM_TOKEN],
    args: [...GATE, '--sli', 'prometheus=prometheus.yaml'],
    env: (api) => ({ PROMETHEUS_URL: api, PROMETHEUS_TOKEN: PROM_TOKEN }),
  },
  {
    name: 'Prometheus with basic auth',
    exit: { json: 1, text: 3 },
    focus: () => [base64(`${PROM_USER}:${PROM_PASSWORD}`)],
    args: [...GATE, '--sli', 'prometheus=prometheus.yaml'],
    env: (api) => ({ PROMETHEUS_URL: api, PROMETHEUS_USER: PROM_USER, PROMETHEUS_PASSWORD: PROM_PASSWORD }),
  },
  {
    name: 'Prometheus with user:password in PROMETHEUS_URL',
    exit: { json: 1, text: 3 },
    focus: () => [base64(`${URL_USER}:${URL_PASSWORD}`)],
    args: [...GATE, '--sli', 'prometheus=prometheus.yaml'],
    env: (api) => ({
      PROMETHEUS_URL: `http://${encodeURIComponent(URL_USER)}:${encodeURIComponent(URL_PASSWORD)}@${hostOf(api)}`,
    }),
  },
  {
    name: 'Prometheus behind a proxy that refuses and echoes its credentials',
    exit: { json: 2, text: 2 },
    focus: () => [
      base64(`${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}`),
      base64(`${PROXY_USER}:${PROXY_PASSWORD}`),
    ],
    args: [...GATE, '--sli', 'prometheus=prometheus.yaml'],
    env: (api) => ({
      // The API itself is never reached: the proxy answers.
      PROMETHEUS_URL: 'http://prometheus.internal.example:9090',
      PROMETHEUS_TOKEN: PROM_TOKEN,
      HTTP_PROXY: `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@${hostOf(api)}`,
    }),
  },
  {
    name: 'Dynatrace metrics, with $ENV secrets of an unloaded provider in the query',
    exit: { json: 1, text: 1 },
    focus: () => [UNLOADED_TOKEN],
    args: [...GATE, '--sli', 'dynatrace=dynatrace.yaml', '--settle', '0', '--config-dir', 'project'],
    env: (api) => ({
      DT_URL: api,
      DT_API_TOKEN: DT_TOKEN,
      UNLOADED_PROMETHEUS_TOKEN: UNLOADED_TOKEN,
      APP_SIGNING_SECRET: APP_SECRET,
    }),
  },
  {
    name: 'Dynatrace metrics, the token echoed',
    exit: { json: 1, text: 1 },
    focus: () => [DT_TOKEN],
    args: [...GATE, '--sli', 'dynatrace=dynatrace.yaml', '--settle', '0'],
    env: (api) => ({ DT_URL: api, DT_API_TOKEN: DT_TOKEN, APP_SIGNING_SECRET: APP_SECRET }),
  },
  {
    name: 'Dynatrace DQL with a platform token',
    exit: { json: 2, text: 2 },
    focus: () => [PLATFORM_TOKEN],
    args: [...GATE, '--sli', 'dynatrace=dql.yaml', '--settle', '0'],
    env: (api) => ({ DT_URL: api, DT_API_TOKEN: PLATFORM_TOKEN, APP_SIGNING_SECRET: APP_SECRET }),
  },
  {
    name: 'send-event',
    exit: { json: 2, text: 2 },
    focus: () => [DT_TOKEN],
    args: ['send-event', '--type', 'deployment', '--service', 'carts', '--version', '1.4.2'],
    env: (api) => ({ DT_URL: api, DT_API_TOKEN: DT_TOKEN }),
  },
  {
    name: 'the evaluation event to Dynatrace',
    exit: { json: 0, text: 0 },
    focus: () => [DT_TOKEN],
    args: [
      'evaluate',
      '--slo',
      'slo.yaml',
      '--values',
      'values.json',
      '--history',
      'file:history.jsonl',
      '--dynatrace-event',
      '--label',
      `leak=${APP_SECRET}`,
    ],
    env: (api) => ({ DT_URL: api, DT_API_TOKEN: DT_TOKEN, APP_SIGNING_SECRET: APP_SECRET }),
  },
  {
    name: 'doctor',
    exit: { json: 2, text: 2 },
    focus: () => [DT_TOKEN],
    args: ['doctor', '--config-dir', 'no-config'],
    env: (api) => ({
      DT_URL: api,
      DT_API_TOKEN: DT_TOKEN,
      PROMETHEUS_URL: api,
      PROMETHEUS_TOKEN: PROM_TOKEN,
    }),
  },
  {
    name: 'the CloudEvents sink of a stage run',
    exit: { json: 0, text: 0 },
    focus: () => [SINK_TOKEN],
    args: [
      ...['trigger-deployment', '--config-dir', 'project', '--stage', 'hardening', '--service', 'carts'],
      ...['--version', '1.4.2'],
      ...['--history', 'file:history.jsonl', '--results-dir', 'results', '--label', `leak=${APP_SECRET}`],
    ],
    env: () => ({ CE_CREDS: SINK_TOKEN, APP_SIGNING_SECRET: APP_SECRET }),
  },
];

const CASES = PATHS.flatMap((leakPath) =>
  (['json', 'text'] as const).flatMap((body) =>
    (['start', 'middle', 'end'] as const).map((where) => ({ leakPath, body, where })),
  ),
);

async function runAgainstEcho(
  leakPath: LeakPath,
  body: 'json' | 'text',
  where: 'start' | 'middle' | 'end',
): Promise<{ run: CliRun; echo: EchoServer; dir: string }> {
  // The focus forms depend on the server's address only through the URL; compute them first.
  const probe = leakPath.focus('http://127.0.0.1:1');
  const length = Math.min(...probe.map((form) => form.length));
  const offset = where === 'start' ? 2 : where === 'middle' ? Math.floor(length / 2) : length - 2;
  const echo = await startEchoServer({ focus: probe, offset, body });
  const dir = makeProject(echo.url);
  try {
    const run = await runCli([...leakPath.args, '--json'], { cwd: dir, env: leakPath.env(echo.url) });
    return { run, echo, dir };
  } finally {
    await echo.close();
  }
}

describe('no credential reaches any output, whatever a hostile server echoes back', () => {
  it.concurrent.each(CASES)(
    '$leakPath.name ($body body, cut at the $where of the credential)',
    async ({ leakPath, body, where }) => {
      const { run, echo, dir } = await runAgainstEcho(leakPath, body, where);
      const context = `exit ${run.exitCode}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
      // The credential really travelled this path and came back in an answer.
      expect(echo.focused, context).toBeGreaterThan(0);
      const leaks = [
        ...leaksIn('stdout', run.stdout),
        ...leaksIn('stderr', run.stderr),
        ...filesUnder(dir)
          .filter(
            (file) => !/\.(ya?ml|json)$/.test(file) || file.includes('reports') || file.includes('results'),
          )
          .flatMap((file) => leaksIn(path.relative(dir, file), readFileSync(file, 'utf8'))),
        // Events sent out; a query's body may carry a $ENV value on purpose, to the API it is for.
        ...echo.events.flatMap((sent, i) => leaksIn(`event ${i}`, sent)),
      ];
      expect(leaks, context).toEqual([]);
      // It failed as it should have, and said so: what the server said is shown, masked, not
      // swallowed (a redactor masking everything would pass the leak check above).
      expect(run.exitCode, context).toBe(leakPath.exit[body]);
      expect(`${run.stdout}${run.stderr}`, context).toContain('rejected ');
      // --json: one object on stdout, still valid after redaction.
      expect(() => JSON.parse(run.stdout) as unknown, context).not.toThrow();
    },
    30_000,
  );
});
