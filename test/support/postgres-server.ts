// Real PostgreSQL for tests (DESIGN.md section 8): found as a real component, so that the tests
// skip visibly without it (and fail under CI_CONNECT_REQUIRE_REAL=1); started and stopped by
// postgres-process.js, which bench/history-postgres.js shares.
import { findPostgres } from './postgres-process.js';
import { defineRealComponent } from './real-components.js';

export { CI_PASSWORD, CI_ROLE, startPostgres, type PostgresServer } from './postgres-process.js';

/** Real PostgreSQL, as the tests run it: `bin` is the directory of initdb, pg_ctl and postgres. */
export const postgresql = defineRealComponent({
  name: 'PostgreSQL',
  installHint: 'apt-get install -y postgresql (its server binaries are in /usr/lib/postgresql/<version>/bin)',
  detect: () => {
    const found = findPostgres();
    return found.available ? { ...found, details: `PostgreSQL in ${found.bin}` } : found;
  },
});
