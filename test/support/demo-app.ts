// The bundled demo under real load, for tests: the demo carts app (fixtures/demo/app/server.js)
// on a free port, and real JMeter running the demo's own plan against it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './real-components.js';

export const demoDir = path.join(repoRoot, 'fixtures/demo');
export const demoConfigDir = path.join(demoDir, '.ci-connect');
export const demoPlan = path.join(demoConfigDir, 'base/carts/jmeter/performance.jmx');
const appScript = path.join(demoDir, 'app/server.js');

const tempDirs: string[] = [];
const runningApps = new Set<ChildProcess>();

/** A temporary directory removed by cleanUpDemo(). */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Ends a child: SIGTERM, then SIGKILL after 5 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Stops every app started here and removes every temporary directory (for afterAll). */
export async function cleanUpDemo(): Promise<void> {
  await Promise.all([...runningApps].map(stopProcess));
  runningApps.clear();
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface DemoApp {
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the demo app on a free port; resolves once it says where it listens. */
export function startDemoApp(args: string[]): Promise<DemoApp> {
  const child = spawn(process.execPath, [appScript, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  runningApps.add(child);
  const stop = async () => {
    await stopProcess(child);
    runningApps.delete(child);
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`demo app: ${why}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail('did not report its port within 10 s'), 10_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ port: Number(match[1]), stop });
      }
    });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}

export interface JmeterRun {
  readonly exitCode: number;
  readonly stdout: string;
  /** The CSV results file (with a header line). */
  readonly jtl: string;
  readonly logFile: string;
}

/** Runs the demo plan with real JMeter against the app on `port`, as scripts/record-demo-results.sh does. */
export async function runDemoPlan(
  bin: string,
  port: number,
  load: { vuCount: number; loopCount: number },
): Promise<JmeterRun> {
  const dir = await makeTempDir('ci-connect-demo-load-');
  const jtl = path.join(dir, 'out.jtl');
  const logFile = path.join(dir, 'jmeter.log');
  const args = [
    ...['-n', '-t', demoPlan, '-l', jtl, '-j', logFile],
    ...['-JSERVER_URL=127.0.0.1', `-JSERVER_PORT=${port}`, '-JPROTOCOL=http'],
    ...[`-JVUCount=${load.vuCount}`, `-JLoopCount=${load.loopCount}`, '-JThinkTime=0'],
    '-Jjmeter.save.saveservice.output_format=csv',
    '-Jjmeter.save.saveservice.print_field_names=true',
    '-Jjmeter.save.saveservice.connect_time=true',
  ];
  try {
    const { stdout } = await promisify(execFile)(bin, args, {
      cwd: dir,
      timeout: 60_000,
      maxBuffer: 1 << 24,
    });
    return { exitCode: 0, stdout, jtl, logFile };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    const exitCode = typeof failed.code === 'number' ? failed.code : -1;
    return { exitCode, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}`, jtl, logFile };
  }
}

/** Starts the app with `appArgs`, runs the plan against it, stops the app. */
export async function loadTestDemoApp(
  bin: string,
  appArgs: string[],
  load: { vuCount: number; loopCount: number },
): Promise<JmeterRun> {
  const app = await startDemoApp(['--seed', '42', ...appArgs]);
  try {
    return await runDemoPlan(bin, app.port, load);
  } finally {
    await app.stop();
  }
}
