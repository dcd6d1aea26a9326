import type { SliFile } from '../config/sli-file.js';

/** What a provider needs of its SLI file: its name (for messages) and each indicator's query. */
export interface SliQueries {
  file: string;
  indicators: Record<string, string>;
}

/** An SLI file's indicators as name → query, for a provider's constructor. */
export function sliQueriesOf(sliFile: SliFile | undefined): { sliFile?: SliQueries } {
  if (sliFile === undefined) return {};
  const indicators = Object.fromEntries(
    Object.entries(sliFile.indicators).map(([name, i]) => [name, i.query]),
  );
  return { sliFile: { file: sliFile.file, indicators } };
}
