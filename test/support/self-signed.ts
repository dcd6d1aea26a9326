// A certificate for 127.0.0.1 made by openssl for one test run: the "company CA" a user's
// monitoring API sits behind. The certificate is its own CA, so `--ca-file ca.pem` trusts it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface SelfSignedCert {
  /** The PEM file to pass as --ca-file. */
  caFile: string;
  key: Buffer;
  cert: Buffer;
}

/** Writes key.pem and ca.pem into `dir`; needs `openssl` (detectCommand('openssl')). */
export function makeSelfSignedCert(dir: string): SelfSignedCert {
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'ca.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', caFile],
    ],
    { stdio: 'ignore' },
  );
  return { caFile, key: readFileSync(keyFile), cert: readFileSync(caFile) };
}
