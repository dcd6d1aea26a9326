import { constants } from 'node:fs';
import { access, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { EvaluationRecord } from '../gate/types.js';
import { renderJunit } from './junit.js';
import { renderMarkdownSummary } from './markdown.js';

/** The files `--report-dir` writes. */
export const REPORT_FILES = ['evaluation.json', 'summary.md', 'junit.xml'] as const;

/**
 * Creates the report directory and checks that it can be written, before the evaluation runs:
 * a bad `--report-dir` must not fail the job after the result was already recorded.
 */
export async function prepareReportDir(dir: string): Promise<void> {
  const hint = 'give --report-dir (env CI_CONNECT_REPORT_DIR) a directory the job can write to';
  const existing = await stat(dir).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new UsageError(`--report-dir ${dir} is a file, not a directory`, { hint });
  }
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`--report-dir ${dir} cannot be created or written (${errnoOf(error)})`, {
      hint,
      cause: error,
    });
  }
}

/** Writes evaluation.json, summary.md and junit.xml into `dir`; each file appears whole or not at all. */
export async function writeReports(dir: string, evaluation: EvaluationRecord): Promise<string[]> {
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'evaluation.json': `${JSON.stringify(evaluation, null, 2)}\n`,
    'summary.md': renderMarkdownSummary(evaluation),
    'junit.xml': renderJunit(evaluation),
  };
  try {
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const name of REPORT_FILES) {
      const path = join(dir, name);
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, contents[name]);
      await rename(temporary, path);
      written.push(path);
    }
    return written;
  } catch (error) {
    throw new ConfigError(`cannot write reports into ${dir} (${errnoOf(error)})`, {
      hint: 'give --report-dir a directory the job can write to',
      cause: error,
    });
  }
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
