/**
 * zoho-auth/browser's broker-backed mode in headless Chromium, through the demo page a sandbox
 * broker serves (a real broker socket, the emulator on its own): two accounts signed in once
 * each, switched back and forth with no further Zoho sign-in, both alive at once, and a 401
 * answered with one new token from the broker and one retry.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, screenshot } from './support/browser-chromium.js'
import { ADA, EMIL, WAIT } from './support/browser-fixture.js'
import { startBrokerServer, type RunningBroker } from './support/broker-server.js'

let browser: Browser
let broker: RunningBroker
beforeAll(async () => {
  browser = await launchChromium()
}, 30_000)
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  await broker?.close()
})

async function control(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${broker.emulator.url}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT),
  })
  return (await response.json()) as Record<string, unknown>
}

/** Authorize requests of the broker's own (server) client: one per Zoho sign-in. */
async function brokerSignIns(): Promise<number> {
  const stats = (await control('stats')) as { by_client: Record<string, { authorize: number }> }
  return stats.by_client[broker.serverClient.clientId]?.authorize ?? 0
}

async function openDemo(page: Page, query: string): Promise<void> {
  await page.goto(`${broker.url}/demo/browser/${query}`)
  await page.waitForFunction(() => 'demoReady' in window)
  await page.evaluate(() => (window as unknown as { demoReady: Promise<unknown> }).demoReady)
}

async function signInAs(page: Page, email: string): Promise<void> {
  await page.click('#signin')
  await page.waitForSelector('#email')
  await page.selectOption('#email', email)
  await page.click('button[value="accept"]')
  await page.waitForURL(/\/demo\/browser\/\?mode=broker$/)
  await page.waitForFunction((who) => document.getElementById('who')?.textContent === who, email)
}

/** Clicks "Call CurrentUser" and returns the email CRM named. */
async function currentUser(page: Page): Promise<string | null> {
  await page.evaluate(
    () => ((window as unknown as { lastCurrentUser: unknown }).lastCurrentUser = undefined),
  )
  await page.click('#call')
  const handle = await page.waitForFunction(() => {
    const user = (window as unknown as { lastCurrentUser?: { email: string } | null })
      .lastCurrentUser
    return user === undefined ? undefined : { email: user?.email ?? null }
  })
  return ((await handle.jsonValue()) as { email: string | null }).email
}

async function switchTo(page: Page, email: string): Promise<void> {
  await page.click(`li[data-email="${email}"] button.switch`)
  await page.waitForFunction((who) => document.getElementById('who')?.textContent === who, email)
}

describe('createBrokerClient (Chromium, broker + emulator)', { timeout: 90_000 }, () => {
  it('createBrokerClient switches between two accounts with no second Zoho sign-in, both alive at once', async () => {
    broker = await startBrokerServer()
    await control('users', { email: EMIL, dc: 'eu' })
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } })
    context.setDefaultTimeout(WAIT)
    try {
      const page = await context.newPage()
      await openDemo(page, '?mode=broker')
      await signInAs(page, ADA)
      await signInAs(page, EMIL)
      expect(await page.textContent('#dc')).toBe('EU')
      expect(await brokerSignIns()).toBe(2)
      expect(await currentUser(page)).toBe(EMIL)
      for (const [email, dc] of [
        [ADA, 'US'],
        [EMIL, 'EU'],
        [ADA, 'US'],
      ] as const) {
        await switchTo(page, email)
        expect(await page.textContent('#dc')).toBe(dc)
        expect(await currentUser(page)).toBe(email)
      }
      await screenshot(page, 'browser-broker-switch')
      // Four switches and calls later: still the two sign-ins, and both grants alive at once.
      expect(await brokerSignIns()).toBe(2)
      const ids = await broker.deps.store.listIds()
      const rows = await Promise.all(ids.map((id) => broker.deps.store.get(id)))
      expect(rows.map((row) => [row?.email, row?.dc, row?.status]).sort()).toEqual([
        [ADA, 'us', 'active'],
        [EMIL, 'eu', 'active'],
      ])
      // The page never saw a refresh token; the cookie is HttpOnly.
      const storage = await page.evaluate(() =>
        JSON.stringify({ ...sessionStorage, ...localStorage }),
      )
      expect(storage).not.toMatch(/1000\./)
      const cookies = await context.cookies()
      expect(cookies.find((c) => c.name === 'zoho_auth_browser')).toMatchObject({ httpOnly: true })
      expect(await page.evaluate(() => document.cookie)).toBe('')
    } finally {
      await context.close()
    }
  })

  it('createBrokerClient fetch answers a 401 with one new token from the broker and one retry', async () => {
    broker = await startBrokerServer()
    const context = await browser.newContext()
    context.setDefaultTimeout(WAIT)
    try {
      const page = await context.newPage()
      await openDemo(page, '?mode=broker')
      await signInAs(page, ADA)
      expect(await currentUser(page)).toBe(ADA)
      // Zoho's clock says the token is dead while the broker's says it lives: the API answers 401.
      await control('clock', { advance_seconds: 3601 })
      await control('stats/reset', {})
      expect(await currentUser(page)).toBe(ADA)
      const stats = (await control('stats')) as {
        api: number
        token_endpoint: { refresh_token: number }
      }
      expect(stats.token_endpoint.refresh_token).toBe(1)
      // The refused call and the retry.
      expect(stats.api).toBe(2)
      expect(await brokerSignIns()).toBe(0)
    } finally {
      await context.close()
    }
  })
})
