/**
 * The demo at `/demo/browser/` of `zoho-auth serve` in sandbox mode, in headless Chromium as a
 * person uses it: sign in, CurrentUser, a second account in the EU, switching — in direct mode
 * (Zoho's session: the second sign-in ends the first user's refresh) and broker-backed mode.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, screenshot } from './support/browser-chromium.js'
import { ADA, EMIL, WAIT } from './support/browser-fixture.js'
import { serveInProcess, type ServeRun } from './support/serve.js'

let browser: Browser
let run: ServeRun
let demoUrl: string
beforeAll(async () => {
  run = serveInProcess(['--port', '0'], { HOME: mkdtempSync(join(tmpdir(), 'zoho-auth-demo-')) })
  const banner = await run.banner()
  demoUrl = `${banner.uiUrl}demo/browser/`
  browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await run?.stop()
})

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => 'demoReady' in window)
  await page.evaluate(() => (window as unknown as { demoReady: Promise<unknown> }).demoReady)
}

const shows = (page: Page, email: string) =>
  page.waitForFunction((who) => document.getElementById('who')?.textContent === who, email)

async function signInAs(page: Page, email: string): Promise<void> {
  await page.click('#signin')
  await page.waitForSelector('#email')
  await page.selectOption('#email', email)
  await page.click('button[value="accept"]')
  await shows(page, email)
  await ready(page)
}

async function currentUser(page: Page): Promise<string | null> {
  await page.evaluate(() => {
    ;(window as unknown as { lastCurrentUser: unknown }).lastCurrentUser = undefined
  })
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
  await shows(page, email)
}

describe('zoho-auth serve /demo/browser/ (Chromium, sandbox)', { timeout: 90_000 }, () => {
  it('/demo/browser/ in direct mode: sign in, CurrentUser, a second user in the EU, switching; the first user’s refresh ends', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } })
    context.setDefaultTimeout(WAIT)
    try {
      const page = await context.newPage()
      await page.goto(demoUrl)
      await ready(page)
      expect(await page.textContent('#who')).toBe('nobody')
      await screenshot(page, 'browser-demo-direct-signed-out')
      await signInAs(page, ADA)
      expect(page.url()).toBe(demoUrl)
      expect(await page.textContent('#dc')).toBe('US')
      expect(await currentUser(page)).toBe(ADA)
      await signInAs(page, EMIL)
      expect(await page.textContent('#dc')).toBe('EU')
      expect(await currentUser(page)).toBe(EMIL)
      await switchTo(page, ADA)
      expect(await currentUser(page)).toBe(ADA)
      // Zoho keeps one signed-in user per browser: Ada's token works, her refresh does not.
      expect(await page.textContent(`li[data-email="${ADA}"] .note`)).toBe(
        'token valid · Zoho session ended: sign in again as this user',
      )
      await screenshot(page, 'browser-demo-direct')
    } finally {
      await context.close()
    }
  })

  it('/demo/browser/?mode=broker: two accounts through the broker, switching keeps both alive', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } })
    context.setDefaultTimeout(WAIT)
    try {
      const page = await context.newPage()
      await page.goto(demoUrl)
      await ready(page)
      await page.click('#mode-broker')
      await ready(page)
      await signInAs(page, ADA)
      expect(page.url()).toBe(`${demoUrl}?mode=broker`)
      await signInAs(page, EMIL)
      expect(await page.textContent('#dc')).toBe('EU')
      expect(await currentUser(page)).toBe(EMIL)
      await switchTo(page, ADA)
      expect(await page.textContent('#dc')).toBe('US')
      expect(await currentUser(page)).toBe(ADA)
      await page.click('#refresh')
      await page.waitForFunction(() =>
        document.getElementById('result')?.textContent?.startsWith('The broker minted a new token'),
      )
      expect(await page.textContent('#result')).toContain('(changed)')
      await switchTo(page, EMIL)
      expect(await currentUser(page)).toBe(EMIL)
      expect(await page.textContent(`li[data-email="${ADA}"] .note`)).toBe(
        'broker connection · active',
      )
      await screenshot(page, 'browser-demo-broker')
    } finally {
      await context.close()
    }
  })
})
