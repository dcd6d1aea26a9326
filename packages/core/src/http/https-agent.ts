/**
 * The TLS side of the HTTP client: verification always on, plus an optional private CA.
 */

import { readFileSync } from 'node:fs';
import type https from 'node:https';
import { ConfigError } from '../errors.js';
import { errorCode } from './http-errors.js';
import type { Redactor } from './redaction.js';

/** Reads the CA file now (so a bad --ca-file fails before any work); undefined without one. */
export function readCaFile(caFile: string | undefined, redactor: Redactor): string | undefined {
  if (caFile === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    const code = errorCode(error) ?? 'unreadable';
    throw new ConfigError(redactor.redact(`cannot read the CA file ${caFile} (${code})`), {
      hint: 'pass a readable PEM file with --ca-file',
    });
  }
  return pem;
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
