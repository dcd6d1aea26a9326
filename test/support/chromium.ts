// Real headless Chromium (Debian's `chromium`), driven by playwright-core: never a browser that
// playwright downloads. DESIGN.md section 8: Chromium runs as root with these flags and a fresh
// profile (playwright's launch makes a temporary user-data-dir and removes it on close).
import { accessSync, constants, statSync } from 'node:fs';
import { chromium as playwright, type Browser } from 'playwright-core';
import { defineRealComponent, type Detection } from './real-components.js';

/** Where Debian installs it; CHROMIUM_BIN names another executable. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

function detectChromium(env: NodeJS.ProcessEnv = process.env): Detection {
  const bin = env.CHROMIUM_BIN !== undefined && env.CHROMIUM_BIN !== '' ? env.CHROMIUM_BIN : DEBIAN_CHROMIUM;
  try {
    accessSync(bin, constants.X_OK);
    if (!statSync(bin).isFile()) return { available: false, reason: `${bin} is not a file` };
  } catch {
    return { available: false, reason: `no executable ${bin}` };
  }
  return { available: true, bin, details: bin };
}

/** Real Chromium, as the tests run it. */
export const chromium = defineRealComponent({
  name: 'Chromium',
  installHint:
    'apt-get install -y chromium (Debian; the tests drive it with playwright-core and download no browser)',
  detect: () => detectChromium(),
});

/** Launches headless Chromium from `bin` with a fresh temporary profile. */
export function launchChromium(bin: string): Promise<Browser> {
  return playwright.launch({
    executablePath: bin,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
