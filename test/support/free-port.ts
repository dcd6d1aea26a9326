// For servers that must be told their port up front (PostgreSQL's -p, Prometheus's
// --web.listen-address). Servers that accept port 0 and report the port they got, like the demo
// app, should use that instead: a port found here may be taken by someone else before use.
import net from 'node:net';

/** A TCP port on `host` that was free a moment ago. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('no port was assigned')) : resolve(port)));
    });
  });
}
