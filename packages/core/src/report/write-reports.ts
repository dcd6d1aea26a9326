import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { EvaluationRecord } from '../gate/types.js';
import { renderJunit } from './junit.js';
import { renderMarkdownSummary } from './markdown.js';

/** The files `--report-dir` writes. */
export const REPORT_FILES = ['evaluation.json', 'summary.md', 'junit.xml'] as const;

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
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError(`cannot write reports into ${dir} (${code})`, {
      hint: 'give --report-dir a directory the job can write to',
      cause: error,
    });
  }
}
