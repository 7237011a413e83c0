/**
 * One fixture for the browser-module tests: a real emulator socket, the test app's server and
 * headless Chromium; per test a fresh emulator state (a client-based client registered for the
 * app's origin, Ada in the US and Emil in the EU) and a fresh browser context (no cookies, no
 * storage).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestEmulator, type TestEmulator } from './emulator.js'
import { startBrowserApp, type AppConfig, type BrowserApp } from './browser-app.js'
import { launchChromium } from './browser-chromium.js'

export const ADA = 'ada@example.com'
export const EMIL = 'emil@example.eu'
export const SCOPES = ['ZohoCRM.users.READ', 'ZohoCRM.modules.ALL']
/** Every wait in a browser test ends by this bound (ms). */
export const WAIT = 15_000

export interface BrowserFixture {
  zoho: TestEmulator
  app: BrowserApp
  browser: Browser
  context: BrowserContext
  clientId: string
  /** Registers a client, users and app config, and opens a fresh context. */
  fresh(config?: Partial<AppConfig>): Promise<Page>
  /** Authorize requests (sign-ins and refreshes) this client made, from the emulator's stats. */
  authorizeCount(): Promise<number>
  apiCount(): Promise<number>
  close(): Promise<void>
}

export async function startBrowserFixture(): Promise<BrowserFixture> {
  const zoho = await startTestEmulator()
  const app = await startBrowserApp()
  const browser = await launchChromium()
  const fixture: BrowserFixture = {
    zoho,
    app,
    browser,
    context: undefined as unknown as BrowserContext,
    clientId: '',
    async fresh(config = {}) {
      await fixture.context?.close()
      await zoho.control('reset', {})
      const client = await zoho.control('clients', {
        type: 'client',
        redirect_uris: [app.redirectURI],
        dcs: ['us', 'eu'],
      })
      fixture.clientId = String(client.client_id)
      await zoho.user(ADA, 'us')
      await zoho.user(EMIL, 'eu')
      app.configure({
        clientId: fixture.clientId,
        emulatorURL: zoho.url,
        scopes: SCOPES,
        ...config,
      })
      fixture.context = await browser.newContext({ viewport: { width: 900, height: 600 } })
      fixture.context.setDefaultTimeout(WAIT)
      return fixture.context.newPage()
    },
    async authorizeCount() {
      const stats = (await zoho.stats()) as unknown as {
        by_client: Record<string, { authorize: number }>
      }
      return stats.by_client[fixture.clientId]?.authorize ?? 0
    },
    async apiCount() {
      const stats = (await zoho.stats()) as unknown as {
        by_client: Record<string, { api: number }>
      }
      return stats.by_client[fixture.clientId]?.api ?? 0
    },
    async close() {
      await fixture.context?.close()
      await browser.close()
      await app.close()
      await zoho.close()
    },
  }
  return fixture
}

/** Opens the app at `path` and waits for its `handleRedirect()` to settle. */
export async function openApp(page: Page, app: BrowserApp, path = '/app/home'): Promise<void> {
  await page.goto(`${app.origin}${path}`)
  await page.waitForFunction(() => 'outcome' in window)
}

/** On the emulator's consent page (in `page`), signs in as `email` and accepts. */
export async function consent(page: Page, email: string, forSession = true): Promise<void> {
  await page.waitForSelector('#email')
  await page.selectOption('#email', email)
  if (!forSession) await page.uncheck('#grant_for_session')
  await page.click('button[value="accept"]')
}

/** Waits until the app page shows an outcome of `type` (after the redirect came back). */
export async function outcomeOf(page: Page, type: string): Promise<Record<string, unknown>> {
  const handle = await page.waitForFunction((wanted) => {
    const outcome = (window as unknown as { outcome?: { type?: string } }).outcome
    return outcome?.type === wanted ? outcome : undefined
  }, type)
  return (await handle.jsonValue()) as Record<string, unknown>
}

/** Signs in by redirect from the app's sign-in button, through the real consent page. */
export async function signInByRedirect(
  page: Page,
  email: string,
): Promise<Record<string, unknown>> {
  await page.click('#signin')
  await consent(page, email)
  return outcomeOf(page, 'signed_in')
}

/** Moves the app's clock (every tab of the context: it lives in localStorage) by `seconds`. */
export async function skewApp(page: Page, seconds: number): Promise<void> {
  await page.evaluate((ms) => localStorage.setItem('test:skew', String(ms)), seconds * 1000)
}
