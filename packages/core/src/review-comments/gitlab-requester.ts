/**
 * gitbeaker's requester, on core's one HTTP client (http/http-client.ts) instead of gitbeaker's
 * own fetch: so a merge request note gets what every other call gets (DESIGN.md section 9):
 * HTTPS_PROXY and NO_PROXY, --ca-file next to NODE_EXTRA_CA_CERTS, a timeout on every call,
 * retries on 429/5xx only where repeating is safe (GET, and PUT of the same body, never POST),
 * Retry-After honoured, and redacted errors. gitbeaker keeps what it is good at: its resources,
 * their URLs and the pagination that follows `Link` headers.
 * Extension point: `requesterFn` in gitbeaker's BaseResource options (@gitbeaker/requester-utils).
 */

import type { MergeRequestNotes } from '@gitbeaker/rest';
import type { HttpClient, HttpMethod } from '../http/http-client.js';

type RequesterFn = NonNullable<ConstructorParameters<typeof MergeRequestNotes>[0]['requesterFn']>;
type ResourceOptions = Parameters<RequesterFn>[0];
type Requester = ReturnType<RequesterFn>;

/** Statuses the caller decides about itself (a refused token, a deleted note). */
const ANSWERED_BY_CALLER = [401, 403, 404] as const;

/** A 401, 403 or 404 from GitLab, with the API's `message` (or OAuth `error_description`). */
export class GitLabRefusal extends Error {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(`GitLab answered ${status}${apiMessage === '' ? '' : `: ${apiMessage}`}`);
    this.name = 'GitLabRefusal';
  }
}

/** A gitbeaker requesterFn that sends through `http`. */
export function httpRequesterFn(http: HttpClient): RequesterFn {
  return (resource: ResourceOptions): Requester => {
    const send =
      (method: HttpMethod) =>
      async (endpoint: string, options: { searchParams?: Record<string, unknown>; body?: unknown } = {}) => {
        const headers: Record<string, string> = { ...resource.headers };
        for (const [name, value] of Object.entries(resource.authHeaders)) headers[name] = await value();
        const response = await http.request({
          method,
          url: `${resource.url}/${endpoint}`,
          headers,
          query: snakeCaseQuery(options.searchParams),
          ...(options.body === undefined ? {} : { body: snakeCaseKeys(options.body) }),
          idempotent: method === 'GET' || method === 'PUT',
          acceptStatuses: ANSWERED_BY_CALLER,
          expect: 'json',
        });
        if (response.status >= 400) throw new GitLabRefusal(response.status, apiMessage(response.data));
        return { body: response.data, headers: response.headers, status: response.status };
      };
    return {
      get: send('GET'),
      post: send('POST'),
      put: send('PUT'),
      patch: send('PATCH'),
      delete: send('DELETE'),
    } as unknown as Requester;
  };
}

/** gitbeaker hands over camelCase options (`perPage`); GitLab's API takes snake_case (`per_page`). */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function snakeCaseQuery(
  params: Record<string, unknown> | undefined,
): Record<string, string | number | boolean | undefined> {
  const query: Record<string, string | number | boolean | undefined> = {};
  for (const [key, value] of Object.entries(params ?? {}))
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      query[snakeCase(key)] = value;
  return query;
}

function snakeCaseKeys(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [snakeCase(key), value]));
}

function apiMessage(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const { message, error_description: description, error } = data as Record<string, unknown>;
  const said = [message, description, error].find((part) => typeof part === 'string');
  return typeof said === 'string' ? said : '';
}
