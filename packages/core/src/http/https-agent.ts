/**
 * The TLS side of the HTTP client: verification always on, plus an optional private CA.
 */

import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { ConfigError } from '../errors.js';
import { errorCode } from './http-errors.js';
import type { Redactor } from './redaction.js';

/** An https.Agent that verifies certificates, trusting `caFile` in addition to Node's bundled roots. */
export function createHttpsAgent(caFile: string | undefined, redactor: Redactor): https.Agent {
  // rejectUnauthorized is explicit so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn verification off.
  if (caFile === undefined) return new https.Agent({ rejectUnauthorized: true });
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    const code = errorCode(error) ?? 'unreadable';
    throw new ConfigError(redactor.redact(`cannot read the CA file ${caFile} (${code})`), {
      hint: 'pass a readable PEM file with --ca-file',
    });
  }
  return new https.Agent({ rejectUnauthorized: true, ca: [...tls.rootCertificates, pem] });
}
