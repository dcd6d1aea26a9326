// Runs the real CLI (packages/cli/bin/run.js, built by `npm run build`) as a user would, with
// the Node that runs the tests, and collects its exit code and both streams.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './real-components.js';

export const cliBin = path.join(repoRoot, 'packages/cli/bin/run.js');
const bundle = path.join(repoRoot, 'packages/cli/dist/ci-connect.cjs');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ci-connect <args>`; env is added to a clean environment (no CI_CONNECT_* leaking in), and
 * `input` is written to its stdin. The run is killed after `timeoutMs` (default 60 s).
 */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  if (!existsSync(bundle))
    throw new Error(`${bundle} is missing: run \`npm run build\` before the tests (npm test does)`);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('CI_CONNECT_') && key !== 'FORCE_COLOR'),
  );
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cliBin, ...args],
      {
        cwd: options.cwd ?? repoRoot,
        env: { ...env, ...options.env },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 1 << 26,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ exitCode: code, stdout, stderr });
      },
    );
    if (options.input !== undefined) {
      // A command that exits without reading all of it closes the pipe: not the test's concern.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }
  });
}
