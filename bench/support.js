// What the benchmarks share: their command-line options and the median of their samples.
import process from 'node:process';

/** The value after `name` on the command line (`--runs 5`), or `fallback` when it is absent. */
export function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

/** A numeric option: `numberOption('--runs', 5)`. */
export const numberOption = (name, fallback) => Number(option(name, fallback));

/** The median of the samples (the upper one of an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
