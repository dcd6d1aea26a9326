// A local HTTP server standing in for one Dynatrace ingest endpoint in unit tests: it records every
// JSON body it is sent and answers each with the same status and body. (The strict, route-aware
// stand-in for end-to-end tests is test/support/dynatrace-stand-in.ts.)
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IngestServer {
  url: string;
  /** The parsed JSON bodies received, in order. */
  bodies: unknown[];
  close(): Promise<void>;
}

export async function startIngestServer(status: number, answer: unknown): Promise<IngestServer> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
