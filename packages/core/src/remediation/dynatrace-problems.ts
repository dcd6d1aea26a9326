/**
 * TEMPORARY (R2's stand-in for R1's dynatrace-problems.ts, replaced at merge): the fixed
 * interface over core's HttpClient, Problems API v2, without the display-id lookup's paging.
 */

import { ConfigError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';
import type { DynatraceEndpoint } from '../providers/dynatrace/dynatrace-api.js';
import { authorizationHeader } from '../providers/dynatrace/dynatrace-api.js';
import type { Redactor } from '../redaction/redaction.js';
import type { Problem } from './types.js';

export interface DynatraceProblems {
  get(id: string): Promise<Problem>;
  comment(problem: Problem, message: string): Promise<void>;
  close(problem: Problem, message: string): Promise<'closed' | 'already-closed'>;
}

export function createDynatraceProblems(options: {
  endpoint: DynatraceEndpoint;
  http: HttpClient;
  redactor: Redactor;
}): DynatraceProblems {
  const { endpoint, http } = options;
  const headers = { authorization: authorizationHeader(endpoint.token) };
  const base = `${endpoint.url}/api/v2/problems`;
  const idOf = (problem: Problem): string => {
    if (problem.problemId === undefined) throw new ConfigError(`no problem id for "${problem.title}"`);
    return problem.problemId;
  };
  return {
    async get(id) {
      const response = await http.request({
        method: 'GET',
        url: `${base}/${encodeURIComponent(id)}`,
        headers,
        expect: 'json',
      });
      const body = response.data as Record<string, unknown>;
      const rootCause = body['rootCauseEntity'] as { name?: string } | null | undefined;
      return {
        source: 'dynatrace',
        problemId: String(body['problemId']),
        displayId: String(body['displayId']),
        title: String(body['title']),
        ...(rootCause?.name === undefined ? {} : { rootCause: rootCause.name }),
        status: body['status'] === 'OPEN' ? 'open' : 'closed',
        impactedEntities: [],
      };
    },
    async comment(problem, message) {
      await http.request({
        method: 'POST',
        url: `${base}/${encodeURIComponent(idOf(problem))}/comments`,
        headers,
        body: { message, context: 'ci-connect' },
      });
    },
    async close(problem, message) {
      const response = await http.request({
        method: 'POST',
        url: `${base}/${encodeURIComponent(idOf(problem))}/close`,
        headers,
        body: { message },
      });
      return response.status === 204 ? 'already-closed' : 'closed';
    },
  };
}
