import { readConfigText } from './read-config-file.js';
import type { ReadOptions } from './read-config-file.js';
import { FileDiagnostics } from './file-diagnostics.js';
import { parseYamlSource } from './yaml-source.js';
import type { YamlParseOptions, YamlParseResult } from './yaml-source.js';

/** Limits and messages for loading any configuration file. */
export interface LoadOptions extends ReadOptions {
  /** Alias expansions allowed while reading the document (default 100). */
  maxAliasCount?: number;
}

/** Reads and parses one YAML configuration file: the first of the three steps. */
export async function readYamlFile(
  file: string,
  options: LoadOptions & YamlParseOptions = {},
): Promise<YamlParseResult> {
  const read = await readConfigText(file, options);
  if (read.text === undefined) {
    const out = new FileDiagnostics(file);
    out.list.push(...read.diagnostics);
    return { empty: false, diagnostics: out };
  }
  return parseYamlSource(file, read.text, options);
}
