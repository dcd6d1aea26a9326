import { constants } from 'node:fs';
import { access, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { EvaluationRecord } from '../gate/types.js';
import { renderHtmlReport } from './html/render-html-report.js';
import type { HtmlReportInput } from './html/report-model.js';
import { renderJunit } from './junit.js';
import { renderMarkdownSummary } from './markdown.js';

/** The files of one evaluation that `--report-dir` writes; the HTML report (HTML_REPORT_FILES) goes beside them. */
export const REPORT_FILES = ['evaluation.json', 'summary.md', 'junit.xml'] as const;

/** The flag that names a report directory, and its env var, for messages. */
export interface ReportDirFlag {
  flag: string;
  env: string;
}

const REPORT_DIR_FLAG: ReportDirFlag = { flag: '--report-dir', env: 'CI_CONNECT_REPORT_DIR' };

/**
 * Creates the report directory and checks that it can be written, before the evaluation runs:
 * a bad `--report-dir` must not fail the job after the result was already recorded.
 */
export async function prepareReportDir(dir: string, named: ReportDirFlag = REPORT_DIR_FLAG): Promise<void> {
  const { flag, env } = named;
  const hint = `give ${flag} (env ${env}) a directory the job can write to`;
  const existing = await stat(dir).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new UsageError(`${flag} ${dir} is a file, not a directory`, { hint });
  }
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag} ${dir} cannot be created or written (${errnoOf(error)})`, {
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
  return writeReportFiles(dir, contents);
}

/** Writes the HTML report (index.html and report.css) into `dir`. */
export async function writeHtmlReport(
  dir: string,
  input: HtmlReportInput,
  named: ReportDirFlag = REPORT_DIR_FLAG,
): Promise<string[]> {
  return writeReportFiles(dir, renderHtmlReport(input), named);
}

/**
 * Writes each file of `contents` (name → text) into `dir`, in order, each whole or not at all
 * (a temporary file renamed over it), and returns their paths.
 */
async function writeReportFiles(
  dir: string,
  contents: Readonly<Record<string, string>>,
  named: ReportDirFlag = REPORT_DIR_FLAG,
): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const [name, text] of Object.entries(contents)) {
      const path = join(dir, name);
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, path);
      written.push(path);
    }
    return written;
  } catch (error) {
    throw new ConfigError(`cannot write reports into ${dir} (${errnoOf(error)})`, {
      hint: `give ${named.flag} a directory the job can write to`,
      cause: error,
    });
  }
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
