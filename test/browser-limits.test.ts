/**
 * zoho-auth/browser in headless Chromium against the emulator: what the module refuses before
 * asking Zoho — a refresh the grant does not allow, one past Zoho's token limit, and a token sent
 * anywhere but the account's API domain.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from './support/browser-chromium.js'
import {
  ADA,
  consent,
  openApp,
  outcomeOf,
  skewApp,
  startBrowserFixture,
  type BrowserFixture,
} from './support/browser-fixture.js'

let f: BrowserFixture

beforeAll(async () => {
  f = await startBrowserFixture()
}, 60_000)
afterAll(async () => {
  await f?.close()
})

type Failure = { reason: string; message: string; remedy: string }

/** getToken() in the page, for a test that expects it to settle in place (popup or refusal). */
function getToken(page: Page): Promise<{ token: string } | Failure> {
  return page.evaluate(() =>
    (window as unknown as { auth: { getToken(): Promise<string> } }).auth.getToken().then(
      (token) => ({ token }),
      (e: Failure) => ({ reason: e.reason, message: e.message, remedy: e.remedy }),
    ),
  )
}

describe('zoho-auth/browser limits (Chromium, emulator)', { timeout: 90_000 }, () => {
  it('getToken does not try a silent refresh when the user unticked "grant access for the entire session"', async () => {
    const page = await f.fresh()
    await openApp(page, f.app)
    await page.click('#signin')
    await consent(page, ADA, false)
    const outcome = await outcomeOf(page, 'signed_in')
    expect(outcome).toMatchObject({ account: { email: ADA, refresh: 'not_granted_for_session' } })
    await screenshot(page, 'browser-not-granted-for-session')
    await f.zoho.control('stats/reset', {})
    await skewApp(page, 3600 - 120)
    expect(await getToken(page)).toEqual({
      reason: 'not_granted_for_session',
      message: `${ADA} did not grant access for the whole session, so Zoho cannot refresh silently`,
      remedy: `Sign in again as ${ADA}. Tick "grant access for the entire session".`,
    })
    expect(await f.authorizeCount()).toBe(0)
  })

  it('getToken stops at the token budget (sign-ins and refreshes) before Zoho answers Access Denied', async () => {
    // Two tokens per 3 hours, so the second refresh, an hour on by the page's clock, is in the window.
    const page = await f.fresh({
      refreshBy: 'popup',
      maxTokensPerWindow: 2,
      tokenWindowSeconds: 3 * 3600,
    })
    await openApp(page, f.app)
    await page.click('#signin')
    await consent(page, ADA)
    await outcomeOf(page, 'signed_in')
    await f.zoho.control('stats/reset', {})
    await skewApp(page, 3600 - 120)
    const popup = page.waitForEvent('popup')
    const refreshed = getToken(page)
    await (await popup).waitForEvent('close')
    expect(await refreshed).toMatchObject({ token: expect.stringMatching(/^1000\./) })
    await skewApp(page, 2 * 3600 - 120)
    expect(await getToken(page)).toEqual({
      reason: 'too_many_refreshes',
      message: `Refreshing ${ADA} again now would pass Zoho's token limit (Access Denied)`,
      remedy: 'Wait a few minutes.',
    })
    expect(await f.authorizeCount()).toBe(1)
  })

  it('fetch never sends the token off the account’s API domain', async () => {
    const page = await f.fresh()
    await openApp(page, f.app)
    await page.click('#signin')
    await consent(page, ADA)
    await outcomeOf(page, 'signed_in')
    const refused = await page.evaluate(
      (urls) =>
        Promise.all(
          urls.map((url) =>
            (window as unknown as { auth: { fetch(p: string): Promise<Response> } }).auth
              .fetch(url)
              .then(
                (r) => String(r.status),
                (e: Failure) => `${e.reason}: ${e.message}`,
              ),
          ),
        ),
      [
        'https://evil.example/crm/v8/users',
        `${f.zoho.url}/eu/api/crm/v8/users`,
        `${f.zoho.url}/us/api.evil.example/x`,
      ],
    )
    expect(refused).toEqual([
      `foreign_url: https://evil.example/crm/v8/users is not on ${f.zoho.url}/us/api`,
      `foreign_url: ${f.zoho.url}/eu/api/crm/v8/users is not on ${f.zoho.url}/us/api`,
      `foreign_url: ${f.zoho.url}/us/api.evil.example/x is not on ${f.zoho.url}/us/api`,
    ])
  })
})
