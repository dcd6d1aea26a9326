import { describe, expect, it } from 'vitest';
import { createProcessRedactor, registerNamedSecrets } from './credential-sources.js';
import { createRedactor } from './redaction.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('createProcessRedactor: credentials in the environment', () => {
  it('knows the default token variables, whatever their value looks like', () => {
    const redactor = createProcessRedactor({
      DT_API_TOKEN: 'dt0c01.A.B',
      PROMETHEUS_PASSWORD: 'pw',
      PGPASSWORD: 'pg',
    });
    expect(redactor.redact('dt0c01.A.B pw pg')).toBe('*** *** ***');
  });

  it.each([
    ['CI_JOB_TOKEN', 'glcbt-64_aB3dE5fG7hJ9kL'],
    ['GITHUB_TOKEN', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'],
    ['CI_REGISTRY_PASSWORD', 'r3gistry-Passw0rd'],
    ['MY_APP_SECRET', 'appSecret-3Mn6Bv9Cx2'],
    ['SIGNING_KEY', 'sk-Zq8vN3xR7pL2'],
    ['client_secret', 'lower-case-Secret-9'],
  ])('knows %s, whose name says it holds a secret', (name, value) => {
    expect(createProcessRedactor({ [name]: value }).redact(`x ${value} y`)).toBe('x *** y');
  });

  it.each([
    ['TOKENIZERS_PARALLELISM', 'false'],
    ['GIT_TERMINAL_PROMPT_TOKEN_COUNT', '12'],
    ['CI_CONNECT_TOKEN_ENV', 'DT_API_TOKEN'],
    ['SORT_KEY', 'short'],
    ['SERVICE', 'carts-service-long'],
    ['PWD', '/builds/shop/carts'],
    ['OLDPWD', '/home/runner/work/carts'],
    ['ACTIONS_ID_TOKEN_REQUEST_URL', 'https://pipelines.actions.githubusercontent.com/abc/idtoken'],
    ['SSH_PRIVATE_KEY_FILE_KEY', '/home/runner/.ssh/id_ed25519'],
  ])('leaves %s=%s alone: a setting, not a secret', (name, value) => {
    expect(createProcessRedactor({ [name]: value }).redact(`x ${value} y`)).toBe(`x ${value} y`);
  });

  it('knows the user-info of any URL in the environment, proxies included, and its Basic header', () => {
    const redactor = createProcessRedactor({
      HTTPS_PROXY: 'http://egress:Px9%25Wq2%40Lm7@proxy.corp:3128',
      DATABASE_URL: 'postgres://ci:db-Pa55@db:5432/x',
      GIT_REMOTE: 'https://ghp_abcdefghijklmnop1234@github.com/o/r.git',
    });
    const shown = redactor.redact(
      [
        'Px9%25Wq2%40Lm7',
        'Px9%Wq2@Lm7',
        b64('egress:Px9%25Wq2%40Lm7'),
        b64('egress:Px9%Wq2@Lm7'),
        'db-Pa55',
        'ghp_abcdefghijklmnop1234',
      ].join(' '),
    );
    expect(shown).toBe('*** *** *** *** *** ***');
  });

  it('knows the variables CI_CONNECT_SECRET_VARS names, whatever they hold', () => {
    const redactor = createProcessRedactor({
      CI_CONNECT_SECRET_VARS: 'SIGNING, deploy_pin ',
      SIGNING: 'ab1',
      deploy_pin: '1234',
      OTHER: 'ab1-not-named',
    });
    expect(redactor.redact('ab1 1234 OTHER=x')).toBe('*** *** OTHER=x');
  });

  it("knows PROMETHEUS_USER/PROMETHEUS_PASSWORD's Basic header", () => {
    const redactor = createProcessRedactor({
      PROMETHEUS_USER: 'gate',
      PROMETHEUS_PASSWORD: 'pw-long-enough',
    });
    expect(redactor.redact(`Basic ${b64('gate:pw-long-enough')}`)).toBe('Basic ***');
  });
});

describe('registerNamedSecrets: the env vars ci-connect.yaml names', () => {
  it('registers them whatever their names and values look like', () => {
    const redactor = createRedactor();
    registerNamedSecrets(
      redactor,
      { PROM_CREDS: 'abc', METRICS_URL: 'https://u:url-pw@m.corp', PUSER: 'gate', PPASS: 'pp-secret' },
      { secrets: ['PROM_CREDS'], urls: ['METRICS_URL'], basicPairs: [['PUSER', 'PPASS']] },
    );
    expect(redactor.redact(`abc url-pw ${b64('gate:pp-secret')}`)).toBe('*** *** ***');
  });
});

describe('a real CI environment does not garble ordinary output', () => {
  const redactor = createProcessRedactor({
    PWD: '/builds/shop/carts',
    OLDPWD: '/builds/shop',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/abc/idtoken',
    GCP_SA_KEY:
      '{"type":"service_account","project_id":"shop","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEv\\n"}',
    CI_JOB_TOKEN: 'glcbt-64_aB3dE5fG7hJ9kL',
  });

  it.each([
    'reports written: /builds/shop/carts/reports/evaluation.json',
    'DT_URL https://abc12345.live.dynatrace.com: reachable',
    '{"kind":"evaluation","project":"shop","service":"carts","type":"service_account"}',
    'see https://gitlab.com/shop/carts/-/jobs/812',
  ])('leaves %s as it is', (text) => {
    expect(redactor.redact(text)).toBe(text);
  });

  it('still masks the JSON secret whole, and the job token', () => {
    const key =
      '{"type":"service_account","project_id":"shop","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEv\\n"}';
    expect(redactor.redact(`key ${key} token glcbt-64_aB3dE5fG7hJ9kL`)).toBe('key *** token ***');
  });
});
