// Tests that need a real component (JMeter, Prometheus, PostgreSQL, Chromium, Groovy) register
// through this module, so the rule of DESIGN.md section 8 holds in one place:
// - component found: the tests run;
// - component missing: one skipped test with the reason as its note, which vitest's default
//   reporter prints ("↓ suite > JMeter is not available [reason]"); nothing passes silently;
// - component missing and CI_CONNECT_REQUIRE_REAL=1 (as in .ci/run): one failing test that says
//   what is missing and how to install it.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, type TestContext } from 'vitest';

/** The monorepo root: this file is test/support/real-components.ts. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A component that was found, with the command to run it. */
export interface FoundComponent {
  readonly available: true;
  /** Absolute path of the command to run. */
  readonly bin: string;
  /** What was found, for messages (e.g. "Debian JMeter 2.13 via ../shared/tools/jmeter"). */
  readonly details: string;
}

/** A component that was not found, and why. */
export interface MissingComponent {
  readonly available: false;
  readonly reason: string;
}

/** The outcome of looking for a component on this machine. */
export type Detection = FoundComponent | MissingComponent;

/** A real component some tests need: its name, how to install it, and whether it is here. */
export interface RealComponent {
  readonly name: string;
  /** Shown when it is missing, e.g. "apt-get install -y prometheus". */
  readonly installHint: string;
  /** Looked up on first use, then cached: registering tests happens at collection time. */
  readonly detection: Detection;
}

/** Defines a component; `detect` runs at most once, when a test first asks for it. */
export function defineRealComponent(spec: {
  name: string;
  installHint: string;
  detect: () => Detection;
}): RealComponent {
  let detection: Detection | undefined;
  return {
    name: spec.name,
    installHint: spec.installHint,
    get detection() {
      detection ??= spec.detect();
      return detection;
    },
  };
}

/** Whether a missing component must fail the run instead of skipping (CI_CONNECT_REQUIRE_REAL=1). */
export function requireReal(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI_CONNECT_REQUIRE_REAL === '1' || env.CI_CONNECT_REQUIRE_REAL === 'true';
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The absolute path of `command` on env.PATH, or undefined. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Resolves a command the way scripts/record-demo-results.sh does: absolute paths as they are,
 * paths with a slash relative to the repo root, bare names on PATH.
 */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!command.includes('/')) return findExecutable(command, env);
  const file = path.resolve(repoRoot, command);
  return isExecutableFile(file) ? file : undefined;
}

/** Detects a plain command on PATH: enough for prometheus, groovy, chromium and the like. */
export function detectCommand(command: string, env: NodeJS.ProcessEnv = process.env): Detection {
  const bin = findExecutable(command, env);
  return bin
    ? { available: true, bin, details: bin }
    : { available: false, reason: `no \`${command}\` on PATH` };
}

const debianJmeterHome = '/usr/share/jmeter';

/**
 * Finds a jmeter command: JMETER_BIN if set, else ../shared/tools/jmeter (the launcher for
 * Debian's JMeter 2.13), whose prerequisites are checked too, so that a missing package is
 * reported as missing rather than as a failing test.
 */
export function findJmeter(env: NodeJS.ProcessEnv = process.env): Detection {
  const configured = env.JMETER_BIN;
  if (configured !== undefined && configured !== '') {
    const bin = resolveCommand(configured, env);
    if (!bin) return { available: false, reason: `JMETER_BIN=${configured} is not an executable file` };
    if (!findExecutable('java', env)) return { available: false, reason: 'no `java` on PATH' };
    return { available: true, bin, details: `JMETER_BIN=${configured}` };
  }
  const launcher = path.resolve(repoRoot, '../shared/tools/jmeter');
  if (!isExecutableFile(launcher)) {
    return { available: false, reason: `the jmeter launcher ${launcher} is missing or not executable` };
  }
  if (!existsSync(path.join(debianJmeterHome, 'bin/ApacheJMeter.jar'))) {
    return { available: false, reason: `Debian's jmeter package is not installed (no ${debianJmeterHome})` };
  }
  if (!existsSync(path.join(debianJmeterHome, 'lib/ext/ApacheJMeter_http.jar'))) {
    return { available: false, reason: "Debian's jmeter-http package is not installed" };
  }
  if (!findExecutable('java', env)) return { available: false, reason: 'no `java` on PATH' };
  // The launcher compiles a small class with javac on first use and caches it.
  const cache = path.join(
    env.XDG_CACHE_HOME ?? path.join(env.HOME ?? os.homedir(), '.cache'),
    'jmeter-launcher',
  );
  if (!findExecutable('javac', env) && !existsSync(path.join(cache, 'PermissiveJMeter.class'))) {
    return {
      available: false,
      reason: 'no `javac` on PATH (the jmeter launcher compiles a class on first use)',
    };
  }
  return { available: true, bin: launcher, details: 'Debian JMeter 2.13 via ../shared/tools/jmeter' };
}

/** Real JMeter, as the tests run it. */
export const jmeter: RealComponent = defineRealComponent({
  name: 'JMeter',
  installHint:
    'apt-get install -y jmeter jmeter-http default-jdk-headless (Debian JMeter 2.13, run through ../shared/tools/jmeter), or set JMETER_BIN to a jmeter command',
  detect: () => findJmeter(),
});

function missingMessage(component: RealComponent, reason: string): string {
  return `${component.name} is not available: ${reason}. Install: ${component.installHint}`;
}

// A skipped test with a note is listed by the default reporter, note included; a plain it.skip
// is only counted. Under CI_CONNECT_REQUIRE_REAL=1 the same test fails instead.
function registerMissing(component: RealComponent, reason: string, title: string): void {
  if (requireReal()) {
    it(title, () => {
      throw new Error(
        `${missingMessage(component, reason)} (CI_CONNECT_REQUIRE_REAL=1 makes this a failure).`,
      );
    });
  } else {
    it(title, (context) => {
      context.skip(`skipped: ${missingMessage(component, reason)}`);
    });
  }
}

/**
 * `describe(title, fn)` when the component is found; `fn` gets what was found. Otherwise one
 * skipped test that says why (or, under CI_CONNECT_REQUIRE_REAL=1, one failing test); `fn` is
 * not called, so its hooks never start anything.
 */
export function describeWithReal(
  component: RealComponent,
  title: string,
  fn: (found: FoundComponent) => void,
): void {
  const detection = component.detection;
  if (detection.available) {
    describe(title, () => fn(detection));
  } else {
    describe(title, () => registerMissing(component, detection.reason, `needs ${component.name}`));
  }
}

/** `it(title, fn, timeout)` when the component is found; otherwise as in describeWithReal. */
export function itWithReal(
  component: RealComponent,
  title: string,
  fn: (found: FoundComponent, context: TestContext) => Promise<void> | void,
  timeout?: number,
): void {
  const detection = component.detection;
  if (detection.available) {
    it(title, (context) => fn(detection, context), timeout);
  } else {
    registerMissing(component, detection.reason, title);
  }
}

/** openssl, which makes the certificates of the TLS and proxy tests. */
export const openssl: RealComponent = defineRealComponent({
  name: 'openssl',
  installHint: 'apt-get install -y openssl',
  detect: () => detectCommand('openssl'),
});

/** mkfifo, which makes the named pipes the hostile-file tests hand to ci-connect. */
export const mkfifo: RealComponent = defineRealComponent({
  name: 'mkfifo',
  installHint: 'apt-get install -y coreutils',
  detect: () => detectCommand('mkfifo'),
});

/** A character device of the machine (/dev/zero, /dev/full): Linux has them. */
export function characterDevice(device: string, what: string): RealComponent {
  return defineRealComponent({
    name: device,
    installHint: `a Linux machine, whose ${device} ${what}`,
    detect: () =>
      existsSync(device)
        ? { available: true, bin: device, details: device }
        : { available: false, reason: `no ${device} on this machine` },
  });
}

/** /dev/zero: endless bytes without a newline. */
export const devZero = characterDevice('/dev/zero', 'gives endless zero bytes');
/** /dev/full: every write fails with ENOSPC, like a full disk. */
export const devFull = characterDevice('/dev/full', 'fails every write with ENOSPC');
