// A stand-in for Prometheus' HTTP API that answers every instant query (/api/v1/query) with one
// sample of a fixed value, at the time the query asks for; any other path is a 404. It records
// the paths it was asked, for tests that check the query went out.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PrometheusStandIn {
  url: string;
  /** The path of every request, in order. */
  paths: string[];
  close(): Promise<void>;
}

export async function startPrometheusStandIn(value: string): Promise<PrometheusStandIn> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://prometheus');
    paths.push(url.pathname);
    res.setHeader('content-type', 'application/json');
    if (url.pathname !== '/api/v1/query') {
      res.writeHead(404).end(JSON.stringify({ status: 'error', error: `no route ${url.pathname}` }));
      return;
    }
    const time = Number(url.searchParams.get('time') ?? Date.now() / 1000);
    const data = { resultType: 'vector', result: [{ metric: {}, value: [time, value] }] };
    res.end(JSON.stringify({ status: 'success', data }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
