/**
 * The TLS side of the HTTP client: verification always on, plus an optional private CA.
 */

import type https from 'node:https';
import { ConfigError } from '../errors.js';
import { FileRefusedError, readRegularFileSync } from '../files/regular-file.js';
import type { Redactor } from '../redaction/redaction.js';

/** A CA bundle is a few hundred kilobytes even with every public root in it. */
const MAX_CA_FILE_BYTES = 10 * 1024 * 1024;

/** Reads the CA file now (so a bad --ca-file fails before any work); undefined without one. */
export function readCaFile(caFile: string | undefined, redactor: Redactor): string | undefined {
  if (caFile === undefined) return undefined;
  try {
    return readRegularFileSync(caFile, {
      label: '--ca-file',
      maxBytes: MAX_CA_FILE_BYTES,
      hint: 'pass a readable PEM file with --ca-file (env CI_CONNECT_CA_FILE)',
    }).toString('utf8');
  } catch (error) {
    if (!(error instanceof FileRefusedError)) throw error;
    // The path came from the user's environment: it is redacted like any text we print.
    throw new ConfigError(redactor.redact(error.message), { hint: error.hint, cause: error });
  }
}

/**
 * An https.Agent that verifies certificates, trusting `pem` in addition to Node's bundled roots.
 * node:https and node:tls are loaded here, with the first request, not at start-up.
 */
export async function createHttpsAgent(pem: string | undefined): Promise<https.Agent> {
  const [{ default: https }, { default: tls }] = await Promise.all([
    import('node:https'),
    import('node:tls'),
  ]);
  // rejectUnauthorized is explicit so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
  if (pem === undefined) return new https.Agent({ rejectUnauthorized: true });
  return new https.Agent({ rejectUnauthorized: true, ca: [...tls.rootCertificates, pem] });
}
