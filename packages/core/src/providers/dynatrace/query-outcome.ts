import type { SliFailure } from '../../gate/types.js';

/** One SLI's outcome, from the metrics, SLO or DQL API alike. */
export type QueryOutcome = { value: number } | { value: null; failure: SliFailure; message: string };
