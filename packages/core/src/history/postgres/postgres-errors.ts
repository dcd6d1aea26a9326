/**
 * What went wrong with a `postgres://` history, in the contract's exit codes (DESIGN.md section 4):
 * a database that cannot be reached, or is busy, is exit 3 (retrying may help); one that is
 * reached and refuses (password, missing database, privileges, certificate) is exit 2 with the
 * setting to fix. Every message passes through the redactor: a server may quote what it was sent.
 */

import { CiConnectError, ConfigError, ExternalSystemError, InternalError } from '../../errors.js';
import { isTlsErrorCode } from '../../http/network-errors.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { PostgresSettings } from './connection-settings.js';

/** Thrown by the password callback when the server asks for a password and none was given. */
export class PasswordMissing extends Error {
  constructor() {
    super('the server asks for a password');
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // A Unix socket that is not there: the server is not running.
  'ENOENT',
]);

// node-postgres says these in words, without a code.
const UNREACHABLE_MESSAGES =
  /timeout expired|connection timeout|Connection terminated|Query read timeout|Client has encountered a connection error/i;

// SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html) that say the
// server is unavailable or busy: connection exceptions, rollbacks (serialization, deadlock),
// insufficient resources, operator intervention (shutdown, statement timeout), system errors.
const UNAVAILABLE_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);

/** What the message needs to say where and how to fix it. */
export type ErrorContext = Pick<
  PostgresSettings,
  'location' | 'user' | 'database' | 'passwordSource' | 'sslMode' | 'sslModeSource'
>;

/** The error as ci-connect reports it; CiConnectErrors pass unchanged. */
export function toPostgresHistoryError(error: unknown, context: ErrorContext, redactor: Redactor): Error {
  if (error instanceof CiConnectError) return error;
  const { message, hint, kind } = describe(error, context);
  const text = redactor.redact(`the history ${context.location}: ${message}`);
  const options = { hint: redactor.redact(hint), cause: error };
  if (kind === 'config') return new ConfigError(text, options);
  if (kind === 'unavailable') return new ExternalSystemError(text, options);
  return new InternalError(text, options);
}

interface Words {
  message: string;
  hint: string;
  kind: 'config' | 'unavailable' | 'internal';
}

function describe(error: unknown, context: ErrorContext): Words {
  const code = (error as { code?: unknown }).code;
  const said = error instanceof Error ? error.message : String(error);
  if (error instanceof PasswordMissing || /client password must be a (non-empty )?string/.test(said))
    return {
      message: `the server asks for a password for the user "${context.user}", and none was given`,
      hint: 'set PGPASSWORD (never put the password in ci-connect.yaml)',
      kind: 'config',
    };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && 'severity' in (error as object))
    return describeServerError(code, said, context);
  if (typeof code === 'string' && isTlsErrorCode(code)) return certificateRefused(code, said, context);
  if ((typeof code === 'string' && UNREACHABLE_CODES.has(code)) || UNREACHABLE_MESSAGES.test(said))
    return {
      message: `cannot be reached (${typeof code === 'string' ? code : said})`,
      hint: 'retrying may help once the database is up; check the host and port in the URL (or PGHOST, PGPORT) and that this runner may reach them',
      kind: 'unavailable',
    };
  if (/does not support SSL/i.test(said))
    return {
      message: `the server does not accept TLS, and sslmode is ${context.sslMode} (${context.sslModeSource})`,
      hint: 'turn ssl on in the server, or (on a trusted network only) set sslmode=prefer or disable',
      kind: 'config',
    };
  return { message: said, hint: 'this may be a bug in ci-connect; please report it', kind: 'internal' };
}

function describeServerError(code: string, said: string, context: ErrorContext): Words {
  switch (code) {
    case '28P01':
      return {
        message: said,
        hint: `check the password of "${context.user}" (${context.passwordSource === undefined ? 'none was given: set PGPASSWORD' : `from ${context.passwordSource}`})`,
        kind: 'config',
      };
    case '28000':
      return {
        message: said,
        hint: "the server's pg_hba.conf refuses this user, host or encryption: ask its administrator, or try another sslmode",
        kind: 'config',
      };
    case '3D000':
      return {
        message: said,
        hint: `create it (CREATE DATABASE ${quoteIdent(context.database)} OWNER ${quoteIdent(context.user)}), or name another in the URL's path or PGDATABASE`,
        kind: 'config',
      };
    case '42501':
      return {
        message: said,
        hint:
          `let "${context.user}" create the history's tables once (GRANT CREATE ON SCHEMA public TO ${quoteIdent(context.user)}), ` +
          `or have their owner GRANT SELECT, INSERT ON ci_connect_history, ci_connect_schema_version TO ${quoteIdent(context.user)} ` +
          `and GRANT USAGE ON SEQUENCE ci_connect_history_seq_seq TO ${quoteIdent(context.user)}`,
        kind: 'config',
      };
    default:
      break;
  }
  if (code === '57014')
    return {
      message: `${said} (a statement took too long)`,
      hint: 'retrying may help when the database is less busy',
      kind: 'unavailable',
    };
  if (UNAVAILABLE_CLASSES.has(code.slice(0, 2)))
    return {
      message: `${said} (${code})`,
      hint: 'retrying may help when the database is available again',
      kind: 'unavailable',
    };
  if (code.startsWith('28') || code.startsWith('3D') || code.startsWith('3F') || code.startsWith('42'))
    return {
      message: `${said} (${code})`,
      hint: 'check the URL, the user and its privileges',
      kind: 'config',
    };
  return {
    message: `${said} (${code})`,
    hint: 'this may be a bug in ci-connect; please report it',
    kind: 'internal',
  };
}

function certificateRefused(code: string, said: string, context: ErrorContext): Words {
  return {
    message: `the server's TLS certificate was refused (${code}: ${said}); sslmode is ${context.sslMode} (${context.sslModeSource})`,
    hint:
      'point sslrootcert in the URL (or PGSSLROOTCERT) at the PEM file of the CA that signed the server certificate; ' +
      'verify-full also needs the certificate to name the host of the URL',
    kind: 'config',
  };
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
