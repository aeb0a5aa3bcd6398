// Debian's Chromium driven by playwright-core (never a downloaded browser): headless, no
// network side-channels, a fresh profile in the test's own temp folder.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { HANG_STOP_MS } from './hang-stop.js';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(tempDir: string): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run installs it)`);
  const profile = fs.mkdtempSync(path.join(tempDir, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: HANG_STOP_MS,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  // Waits stop only a hung run, never a slow one (test/support/hang-stop.ts).
  context.setDefaultTimeout(HANG_STOP_MS);
  context.setDefaultNavigationTimeout(HANG_STOP_MS);
  return context;
}
