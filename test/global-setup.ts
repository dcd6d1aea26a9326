// Before any test: compile the JSON Schemas into validation code (as `npm run build` does), so a
// schema edited since the last build is what the tests check, not a stale compiled copy.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function compileSchemas(): void {
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../packages/core/scripts/compile-schemas.js', import.meta.url))],
    {
      stdio: 'inherit',
    },
  );
}
