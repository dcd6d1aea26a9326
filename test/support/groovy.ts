// Real Groovy (Debian's `groovy`, 2.4: the Groovy line Jenkins itself runs) for the tests of the
// Jenkins shared library, packages/jenkins-lib. Debian's launcher needs JAVA_HOME; when it is not
// set, the Debian JDK 17 is used if it is there.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defineRealComponent, findExecutable, type Detection } from './real-components.js';

const DEBIAN_JDK = '/usr/lib/jvm/java-17-openjdk-amd64';

/** JAVA_HOME for groovy: the caller's, else Debian's JDK 17; undefined when neither is there. */
export function javaHome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.JAVA_HOME;
  if (configured !== undefined && configured !== '') return configured;
  return existsSync(path.join(DEBIAN_JDK, 'bin/java')) ? DEBIAN_JDK : undefined;
}

function detectGroovy(env: NodeJS.ProcessEnv = process.env): Detection {
  const bin = findExecutable('groovy', env);
  if (bin === undefined) return { available: false, reason: 'no `groovy` on PATH' };
  const home = javaHome(env);
  if (home === undefined)
    return { available: false, reason: `no JAVA_HOME for groovy, and no ${DEBIAN_JDK}` };
  if (!existsSync(path.join(home, 'bin/java')))
    return { available: false, reason: `no Java for groovy: ${home}/bin/java is missing (JAVA_HOME)` };
  return { available: true, bin, details: `${bin} with JAVA_HOME=${home}` };
}

/** Real Groovy, as the tests run it. */
export const groovy = defineRealComponent({
  name: 'Groovy',
  installHint: `apt-get install -y groovy openjdk-17-jdk-headless (JAVA_HOME=${DEBIAN_JDK})`,
  detect: () => detectGroovy(),
});

/**
 * Runs `groovy <args>` in `cwd` with `env` (default: this process's), JAVA_HOME added when
 * missing; rejects with both streams when it exits non-zero.
 */
export function runGroovy(
  bin: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }> {
  const env = { JAVA_HOME: javaHome() ?? '', ...(options.env ?? process.env) };
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      [...args],
      { cwd: options.cwd, env, timeout: options.timeoutMs ?? 240_000, maxBuffer: 1 << 26 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`groovy ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}
