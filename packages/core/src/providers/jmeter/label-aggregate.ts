/** What one pass over a JTL file keeps per sampler label, and how labels combine. */
import { ExactDistribution } from './exact-distribution.js';

/** A time column besides elapsed that indicators may ask for. */
export type ExtraTimeField = 'latency' | 'connect';

/** Everything aggregated for one sampler label (or a merge of several). */
export interface LabelAggregate {
  label: string;
  samples: number;
  /** Samples with success=false. */
  failed: number;
  /** Earliest timeStamp, epoch milliseconds. */
  firstStart: number;
  /** Latest timeStamp + elapsed, epoch milliseconds. */
  lastEnd: number;
  elapsed: ExactDistribution;
  /** Only when asked for and the file has the column. */
  latency: ExactDistribution | undefined;
  /** Only when asked for and the file has the column. */
  connect: ExactDistribution | undefined;
}

/** An empty aggregate; latency and connect distributions only for the fields asked for. */
export function createLabelAggregate(
  label: string,
  fields: ReadonlySet<ExtraTimeField> = new Set(),
): LabelAggregate {
  return {
    label,
    samples: 0,
    failed: 0,
    firstStart: Infinity,
    lastEnd: -Infinity,
    elapsed: new ExactDistribution(),
    latency: fields.has('latency') ? new ExactDistribution() : undefined,
    connect: fields.has('connect') ? new ExactDistribution() : undefined,
  };
}

/** Combines per-label aggregates (e.g. all labels matching a regex) into one. */
export function mergeLabelAggregates(label: string, parts: readonly LabelAggregate[]): LabelAggregate {
  const fields = new Set<ExtraTimeField>();
  if (parts.length > 0 && parts.every((p) => p.latency !== undefined)) fields.add('latency');
  if (parts.length > 0 && parts.every((p) => p.connect !== undefined)) fields.add('connect');
  const merged = createLabelAggregate(label, fields);
  for (const part of parts) {
    merged.samples += part.samples;
    merged.failed += part.failed;
    merged.firstStart = Math.min(merged.firstStart, part.firstStart);
    merged.lastEnd = Math.max(merged.lastEnd, part.lastEnd);
    merged.elapsed.merge(part.elapsed);
    if (part.latency !== undefined) merged.latency?.merge(part.latency);
    if (part.connect !== undefined) merged.connect?.merge(part.connect);
  }
  return merged;
}
