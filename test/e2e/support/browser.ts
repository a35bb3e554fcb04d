// Debian's Chromium driven by playwright-core. Missing locally: the browser
// tests skip with a message; missing in CI (env CI set): they fail.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { repo } from "../../gallery/support/gallery.js";

export const CHROMIUM = process.env.STOWAGE_CHROMIUM ?? "/usr/bin/chromium";

/** Whether the browser tests can run; throws in CI when they cannot. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `The browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium).`;
  if (process.env.CI) throw new Error(`${message} CI must run them.`);
  console.warn(`Skipping the browser tests. ${message}`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** Where screenshots go: test-results/screenshots/ (not committed). */
export const SCREENSHOTS = path.join(repo, "test-results/screenshots");

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
