/**
 * Headless Chromium for the browser-module tests (Debian's /usr/bin/chromium through
 * playwright-core), with screenshots kept under test-results/screenshots/ as test output.
 */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url))

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // Generous: CI shares two cores with other work.
    timeout: 30_000,
  })
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true })
}

/** Every URL in the tab's session history (back and forward), from the DevTools protocol. */
export async function historyURLs(page: Page): Promise<string[]> {
  const session = await page.context().newCDPSession(page)
  try {
    const { entries } = await session.send('Page.getNavigationHistory')
    return entries.map((entry) => entry.url)
  } finally {
    await session.detach()
  }
}
