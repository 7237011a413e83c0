/**
 * The broker's web UI in headless Chromium (Debian's, driven by playwright-core) against real
 * sockets: sign in, connect an account through the emulator's consent page by clicking it, see
 * it listed, try it, revoke it, remove it, and create an API key that is shown once. Screenshots
 * of each page land in test-results/screenshots/ for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './support/browser-chromium.js'
import {
  E2E_ADMIN_TOKEN,
  E2E_USER,
  startBrokerServer,
  type RunningBroker,
} from './support/broker-server.js'

const CHROMIUM = '/usr/bin/chromium'
const SHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots')
const present = existsSync(CHROMIUM)
const title = present
  ? 'broker UI in Chromium'
  : `broker UI in Chromium (skipped: ${CHROMIUM} is missing; .ci/run installs Debian's chromium)`

// Each step waits at most 15 s per action; a starved CI machine gets room for a few of them.
describe.skipIf(!present)(title, { timeout: 60_000 }, () => {
  let broker: RunningBroker
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    broker = await startBrokerServer()
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    // Every wait is bounded: actions, navigations and expectations alike.
    page.setDefaultTimeout(15_000)
    page.setDefaultNavigationTimeout(15_000)
    // The destructive buttons ask confirm() first; a person would click OK.
    page.on('dialog', (dialog) => void dialog.accept())
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await broker?.close()
  })

  // Every page shown, to scan for secrets at the end.
  const shown: string[] = []
  const secrets: string[] = []
  const shot = async (name: string) => {
    shown.push(await page.content())
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
  }
  const row = () => page.locator('tr[data-connection="acme"]')

  it('signs in with the admin token', async () => {
    await page.goto(broker.url)
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in to the broker')
    await page.fill('#token', 'wrong-token')
    await page.click('button[type=submit]')
    await page.waitForSelector('p.error')
    expect(await page.locator('p.error').textContent()).toContain('That is not the admin token.')
    await shot('01-sign-in-refused')
    await page.fill('#token', E2E_ADMIN_TOKEN)
    await Promise.all([page.waitForURL(`${broker.url}/`), page.click('button[type=submit]')])
    expect(await page.locator('main h1').first().textContent()).toBe('Connections')
    expect(await page.textContent('main')).toContain('No connections yet.')
    expect(await page.textContent('.banner')).toContain(broker.emulator.url)
    await shot('02-connections-empty')
  })

  it('connects an account through the emulator’s consent page', async () => {
    await page.fill('#connection', 'acme')
    await page.selectOption('#dc', 'us')
    await Promise.all([
      page.waitForURL(/\/us\/accounts\/oauth\/v2\/auth/),
      page.click('form[action="/connect"] button[type=submit]'),
    ])
    expect(await page.textContent('h1')).toContain(broker.serverClient.clientId)
    await page.selectOption('#email', E2E_USER)
    await shot('03-zoho-consent')
    await Promise.all([
      page.waitForURL(new RegExp(`^${broker.url}/oauth/callback`)),
      page.click('button[value=accept]'),
    ])
    expect(await page.textContent('h1')).toBe('Zoho account connected')
    expect(await page.textContent('main')).toContain(
      `Connected ${E2E_USER} in Zoho’s US data centre as connection acme.`,
    )
    await shot('04-connected')
    await Promise.all([page.waitForURL(`${broker.url}/`), page.click('text=Back to the broker')])
  })

  it('lists the connection', async () => {
    await row().waitFor()
    const text = (await row().textContent()) ?? ''
    expect(text).toContain(E2E_USER)
    expect(text).toContain('active')
    expect(text).toMatch(/in (59|60) min/)
    expect(text).toContain('9 of 10')
    const stored = await broker.deps.store.get('acme')
    secrets.push(stored?.refreshToken ?? '', stored?.accessToken ?? '')
    await shot('05-connection-listed')
  })

  it('tries it: CurrentUser through the proxy', async () => {
    await Promise.all([
      page.waitForURL(/\/ui\/connections\/acme\/try$/),
      row().locator('text=Try it').click(),
    ])
    const status = await page.textContent('#try-status')
    if (status === '200') {
      expect(await page.textContent('main')).toContain(E2E_USER)
    } else {
      // Until the proxy lands, its path is a 404 and the page says so.
      expect(status).toBe('404')
      expect(await page.textContent('main')).toContain(
        'The broker’s proxy did not answer this path',
      )
    }
    await shot('06-try-it')
    await Promise.all([page.waitForURL(`${broker.url}/`), page.click('text=Back to connections')])
  })

  it('revokes it', async () => {
    await Promise.all([
      page.waitForURL(/done=revoked/),
      row().locator('button:has-text("Revoke")').click(),
    ])
    expect(await row().locator('.badge.revoked').textContent()).toBe('revoked')
    expect(await page.textContent('[role=status]')).toContain('“acme” was revoked at Zoho')
    expect(broker.emulator.emulator.stats().revoke).toBe(1)
    await shot('07-revoked')
  })

  it('removes it', async () => {
    await Promise.all([
      page.waitForURL(/done=removed/),
      row().locator('button:has-text("Remove")').click(),
    ])
    expect(await row().count()).toBe(0)
    // It was revoked in the step before: removing it now sends no second revoke, and says so.
    expect(await page.textContent('[role=status]')).toContain(
      '“acme” was removed (it had been revoked at Zoho already).',
    )
    expect(await broker.deps.store.get('acme')).toBeNull()
    await shot('08-removed')
  })

  it('creates an API key shown once, then only its prefix', async () => {
    await Promise.all([page.waitForURL(/\/ui\/keys$/), page.click('nav >> text=API keys')])
    await page.fill('#name', 'billing-backend')
    await Promise.all([page.waitForSelector('#new-key'), page.click('text=Create key')])
    const key = (await page.textContent('#new-key')) ?? ''
    expect(key).toMatch(/^zab_[A-Za-z0-9_-]{43}$/)
    await shot('09-key-created')
    await page.goto(`${broker.url}/ui/keys`)
    const html = await page.content()
    expect(html).not.toContain(key)
    expect(html).toContain(key.slice(0, 10))
    await shot('10-keys')
    await Promise.all([page.waitForURL(/\/sign-in$/), page.click('text=Sign out')])
    await page.goto(broker.url)
    expect(new URL(page.url()).pathname).toBe('/sign-in')
  })

  it('showed and logged no token or secret along the way', () => {
    const logs = JSON.stringify(broker.logs)
    expect(shown.length).toBeGreaterThanOrEqual(10)
    for (const secret of [...secrets, E2E_ADMIN_TOKEN, broker.serverClient.clientSecret]) {
      expect(secret.length).toBeGreaterThan(10)
      expect(logs).not.toContain(secret)
      for (const html of shown) expect(html).not.toContain(secret)
    }
  })
})
