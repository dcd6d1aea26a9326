// A git remote over HTTP, as GitHub and GitLab serve one: git's own `git http-backend` (CGI)
// behind a node:http server on 127.0.0.1, which can demand a Basic login and refuse pushes the
// way a host refuses a token without write access (HTTP 403). Every request is recorded.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>/`; repositories are below it by their directory name. */
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** The directory holding the bare repositories. */
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  /** The only `Authorization` header let in; any when absent. */
  authorization?: string;
  /** Answer pushes with 403, as GitHub does for a token that may only read. */
  refusePush?: boolean;
  /**
   * Pushes: `apply-then-stall` updates the branch and never answers (the answer lost on the
   * way back); `stall` neither updates nor answers. The connection stays open until close().
   */
  stallPush?: 'apply-then-stall' | 'stall';
}

/** Starts the server. */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (options.authorization !== undefined && req.headers.authorization !== options.authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('login required\n');
      return;
    }
    if (options.refusePush === true && (req.url ?? '').includes('git-receive-pack')) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Permission to shop/app.git denied to bot.\n');
      return;
    }
    if (
      options.stallPush !== undefined &&
      (req.url ?? '').includes('git-receive-pack') &&
      req.method === 'POST'
    ) {
      if (options.stallPush === 'apply-then-stall') serveWithBackend(req, undefined, options);
      else req.resume();
      return;
    }
    serveWithBackend(req, res, options);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs git's http-backend for the request; its answer goes to `res`, or nowhere when there is none. */
function serveWithBackend(
  req: IncomingMessage,
  res: ServerResponse | undefined,
  options: GitHttpServerOptions,
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const backend = spawn('git', ['http-backend'], {
    env: {
      ...options.env,
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: 'ci',
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  req.pipe(backend.stdin);
  if (res === undefined) {
    backend.stdout.resume();
    return;
  }
  let head = Buffer.alloc(0);
  let headersSent = false;
  backend.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersSent = true;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  backend.on('close', () => {
    if (!headersSent) res.writeHead(500);
    res.end();
  });
}
