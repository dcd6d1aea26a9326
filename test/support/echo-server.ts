// A hostile API for the leak tests (DESIGN.md section 9): it answers every request with an error
// whose text echoes back the credentials the request carried (the values of Authorization and
// Proxy-Authorization, the URL with its query, the body), padded so that a 300-character cut of the message falls
// `offset` characters into the credential under test. Asked as a proxy (an absolute URI), it
// refuses with 407 and echoes Proxy-Authorization, as a misconfigured company proxy does.
// It records what it saw, so a test can prove the credential really travelled this path.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the message is cut: at MAX_SERVER_MESSAGE (300) characters, as ci-connect cuts it. */
export const CUT_AT = 300;

export interface EchoOptions {
  /** The forms the credential under test may travel in (raw, URL-encoded, base64 ...). */
  focus: readonly string[];
  /** How many characters of the focused credential stand before the cut. */
  offset: number;
  /** JSON error envelopes, or plain text (which goes down the "not JSON" paths). */
  body: 'json' | 'text';
}

export interface EchoServer {
  url: string;
  /** Bodies of the events sent out (Dynatrace ingest, CloudEvents): nothing secret may be in them. */
  events: string[];
  /** Requests whose echo contained the focused credential. */
  focused: number;
  /** Every request, as `METHOD url`. */
  requests: string[];
  close(): Promise<void>;
}

export async function startEchoServer(options: EchoOptions): Promise<EchoServer> {
  const state = { events: [] as string[], focused: 0, requests: [] as string[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      state.requests.push(`${req.method ?? ''} ${url}`);
      if (body !== '' && /events\/ingest|cloudevents/.test(url)) state.events.push(body);
      // Values without their header names or schemes ("Bearer", "Basic"), as a server says
      // "invalid token X": the generic patterns cannot help, only what was registered can.
      const echo = [
        `rejected ${credentialOf(req.headers.authorization)}`,
        `via ${credentialOf(req.headers['proxy-authorization'])}`,
        `for ${url}`,
        `(${safeDecode(url)})`,
        `with ${body.slice(0, 2000)}`,
      ].join(' ');
      const message = cutAround(echo, options, () => state.focused++);
      answer(res, url, message, options.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get events() {
      return state.events;
    },
    get focused() {
      return state.focused;
    },
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Pads (or trims) the echo so that the cut at CUT_AT falls `offset` characters into the focus. */
function cutAround(echo: string, options: EchoOptions, found: () => void): string {
  const form = options.focus.find((candidate) => echo.includes(candidate));
  if (form === undefined) return echo;
  found();
  const at = echo.indexOf(form) + Math.min(options.offset, form.length - 1);
  const pad = CUT_AT - at;
  return pad >= 0 ? `${'x'.repeat(pad)}${echo}` : echo.slice(-pad);
}

function answer(res: http.ServerResponse, url: string, message: string, kind: EchoOptions['body']): void {
  if (/^https?:\/\//.test(url)) {
    res.writeHead(407, { 'content-type': 'text/plain', 'proxy-authenticate': 'Basic realm="egress"' });
    res.end(`Proxy authentication failed: ${message}`);
    return;
  }
  if (kind === 'text') {
    // Prometheus accepts 400/422 only as JSON envelopes: its text errors come as a failing server (5xx).
    res.writeHead(url.startsWith('/api/v1/query') ? 503 : 400, { 'content-type': 'text/plain' });
    res.end(message);
    return;
  }
  res.writeHead(400, { 'content-type': 'application/json' });
  // Prometheus reads `error` as a string; Dynatrace and the rest read `error.message`.
  const envelope = url.startsWith('/api/v1/')
    ? { status: 'error', errorType: 'bad_data', error: message }
    : { error: { code: 400, message } };
  res.end(JSON.stringify(envelope));
}

function credentialOf(header: string | undefined): string {
  return (header ?? '').replace(/^\S+\s+/, '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
