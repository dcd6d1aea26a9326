/**
 * libpq's sslmode as node-postgres TLS options
 * (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-SSLMODE-STATEMENTS):
 * `disable` never encrypts; `allow` and `prefer` encrypt when the server can, without checking
 * its certificate; `require` encrypts without checking, unless a root certificate is given, when
 * it checks the chain as `verify-ca` does (libpq's rule); `verify-ca` checks the chain;
 * `verify-full` checks the chain and that the certificate names the host.
 */

import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../../errors.js';
import { FileRefusedError, readRegularFile } from '../../files/regular-file.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { PostgresSettings } from './connection-settings.js';

/** A CA bundle is a few hundred kilobytes even with every public root in it. */
const MAX_ROOT_CERT_BYTES = 10 * 1024 * 1024;

/** What node-postgres is given as `ssl`: false for no TLS. */
export type PostgresTls = false | ConnectionOptions;

/** The TLS options of `settings`; reads the root certificate file (ConfigError when unusable). */
export async function postgresTlsOptions(
  settings: PostgresSettings,
  redactor: Redactor,
): Promise<PostgresTls> {
  const mode = settings.sslMode;
  if (mode === 'disable') return false;
  const rootCert = settings.sslRootCert;
  const verifyChain =
    mode === 'verify-ca' || mode === 'verify-full' || (mode === 'require' && rootCert !== undefined);
  // rejectUnauthorized is always explicit, so NODE_TLS_REJECT_UNAUTHORIZED cannot change a mode.
  if (!verifyChain) return { rejectUnauthorized: false };
  // sslrootcert=system (libpq 16): the system's roots, which are Node's defaults.
  const ca =
    rootCert === undefined || rootCert === 'system' ? undefined : await readRootCert(rootCert, redactor);
  return {
    rejectUnauthorized: true,
    ...(ca === undefined ? {} : { ca }),
    // verify-ca checks who signed the certificate, not which host it names.
    ...(mode === 'verify-full' ? {} : { checkServerIdentity: () => undefined }),
  };
}

async function readRootCert(path: string, redactor: Redactor): Promise<string> {
  try {
    const pem = await readRegularFile(path, {
      label: "the history's sslrootcert",
      maxBytes: MAX_ROOT_CERT_BYTES,
      hint: 'point sslrootcert in the URL (or PGSSLROOTCERT) at a readable PEM file of the CA that signed the server certificate',
    });
    return pem.toString('utf8');
  } catch (error) {
    if (!(error instanceof FileRefusedError)) throw error;
    throw new ConfigError(redactor.redact(error.message), { hint: error.hint, cause: error });
  }
}
