/**
 * zoho-auth/browser in headless Chromium against the emulator: refresh by redirect while Zoho's
 * session lives and the clear fallback once it ends, one refresh for two tabs at expiry,
 * switching between two accounts, and a 401 answered by one refresh and one retry.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshot } from './support/browser-chromium.js'
import {
  ADA,
  EMIL,
  openApp,
  outcomeOf,
  signInByRedirect,
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

type Settled = { token: string } | { reason: string; message: string; remedy: string }

/** Starts getToken() in the page without awaiting it (a redirect refresh leaves the page). */
async function startGetToken(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      auth: { getToken(): Promise<string> }
      settled?: Settled
    }
    w.auth.getToken().then(
      (token) => (w.settled = { token }),
      (e: { reason: string; message: string; remedy: string }) =>
        (w.settled = { reason: e.reason, message: e.message, remedy: e.remedy }),
    )
  })
}

async function settledIn(page: Page): Promise<Settled> {
  const handle = await page.waitForFunction(
    () => (window as unknown as { settled?: Settled }).settled,
  )
  return (await handle.jsonValue()) as Settled
}

async function accounts(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(() =>
    (window as unknown as { auth: { accounts(): Record<string, unknown>[] } }).auth.accounts(),
  )
}

async function currentUser(page: Page): Promise<{ status: number; email: string | undefined }> {
  return page.evaluate(async () => {
    const auth = (window as unknown as { auth: { fetch(p: string): Promise<Response> } }).auth
    const response = await auth.fetch('/crm/v8/users?type=CurrentUser')
    const body = (await response.json()) as { users?: { email: string }[] }
    return { status: response.status, email: body.users?.[0]?.email }
  })
}

// An hour-long token inside the 5-minute margin: the module refreshes it.
const NEAR_EXPIRY = 3600 - 120

describe('zoho-auth/browser refresh (Chromium, emulator)', { timeout: 90_000 }, () => {
  it('getToken refreshes by redirect while Zoho’s session lives, and says session_ended once it is gone', async () => {
    const page = await f.fresh()
    await openApp(page, f.app, '/app/deals')
    await signInByRedirect(page, ADA)
    const first = await page.evaluate(() =>
      (window as unknown as { auth: { getToken(): Promise<string> } }).auth.getToken(),
    )
    await f.zoho.control('stats/reset', {})
    await skewApp(page, NEAR_EXPIRY)
    await startGetToken(page)
    const refreshed = await outcomeOf(page, 'refreshed')
    expect(refreshed).toMatchObject({
      returnTo: '/app/deals',
      account: { email: ADA, tokenValid: true },
    })
    expect(page.url()).toBe(`${f.app.origin}/app/deals`)
    expect(await f.authorizeCount()).toBe(1)
    const second = await page.evaluate(() =>
      (window as unknown as { auth: { getToken(): Promise<string> } }).auth.getToken(),
    )
    expect(second).not.toBe(first)
    await screenshot(page, 'browser-refresh-redirect')

    // Zoho's session ends (Ada signs out at Zoho, or it times out): the next refresh comes back
    // with client_not_granted, which the module reports as session_ended with the sign-in to offer.
    expect(await f.zoho.control('sessions/expire', { email: ADA })).toEqual({ expired: 1 })
    await skewApp(page, 2 * 3600 - 120)
    await startGetToken(page)
    const ended = await outcomeOf(page, 'error')
    expect(ended).toMatchObject({
      reason: 'session_ended',
      message: `Zoho's session for ${ADA} has ended in this browser`,
      remedy: `Sign in again as ${ADA}. Zoho keeps one signed-in user per browser.`,
      returnTo: '/app/deals',
    })
    expect((await accounts(page))[0]).toMatchObject({ email: ADA, refresh: 'session_ended' })
    await page.evaluate(() => (window as unknown as { render(): void }).render())
    await screenshot(page, 'browser-refresh-session-ended')
    // Known now: no further trip to Zoho, the same reason at once.
    await f.zoho.control('stats/reset', {})
    await page.evaluate(() => delete (window as unknown as { settled?: unknown }).settled)
    await startGetToken(page)
    expect(await settledIn(page)).toMatchObject({ reason: 'session_ended' })
    expect(await f.authorizeCount()).toBe(0)
  })

  it('a second user signing in to Zoho in the same browser ends the first user’s refresh (client_not_granted)', async () => {
    const page = await f.fresh()
    await openApp(page, f.app)
    await signInByRedirect(page, ADA)
    // Emil signs in to Zoho in another tab, for another app: Zoho signs Ada out of this browser.
    const other = await f.zoho.control('clients', {
      type: 'client',
      redirect_uris: [`${f.app.origin}/other-app/callback`],
    })
    const elsewhere = await page.context().newPage()
    await elsewhere.goto(
      `${f.zoho.url}/us/accounts/oauth/v2/auth?${new URLSearchParams({
        client_id: String(other.client_id),
        response_type: 'token',
        redirect_uri: `${f.app.origin}/other-app/callback`,
        scope: 'ZohoCRM.users.READ',
        emulator_login: EMIL,
      })}`,
    )
    await elsewhere.close()
    await skewApp(page, NEAR_EXPIRY)
    await startGetToken(page)
    expect(await outcomeOf(page, 'error')).toMatchObject({ reason: 'session_ended' })
  })

  it('two tabs at expiry make one refresh: one tab goes to Zoho, the other gets its token', async () => {
    const first = await f.fresh({ storage: 'local' })
    await openApp(first, f.app, '/app/one')
    await signInByRedirect(first, ADA)
    const second = await f.context.newPage()
    await openApp(second, f.app, '/app/two')
    expect((await accounts(second))[0]).toMatchObject({ email: ADA, tokenValid: true })
    await f.zoho.control('stats/reset', {})
    await skewApp(first, NEAR_EXPIRY)
    await Promise.all([startGetToken(first), startGetToken(second)])
    // Whichever tab won the lock left for Zoho and came back; the other waited for its answer.
    const results = await Promise.all(
      [first, second].map((page) =>
        page
          .waitForFunction(() => {
            const w = window as unknown as { settled?: Settled; outcome?: { type: string } }
            return w.settled ?? (w.outcome?.type === 'refreshed' ? w.outcome : undefined)
          })
          .then((handle) => handle.jsonValue() as Promise<Record<string, unknown>>),
      ),
    )
    expect(results.filter((r) => r.type === 'refreshed')).toHaveLength(1)
    expect(results.filter((r) => typeof r.token === 'string')).toHaveLength(1)
    expect(await f.authorizeCount()).toBe(1)
    const tokens = await Promise.all(
      [first, second].map((page) =>
        page.evaluate(() =>
          (window as unknown as { auth: { getToken(): Promise<string> } }).auth.getToken(),
        ),
      ),
    )
    expect(tokens[0]).toBe(tokens[1])
    expect(results.find((r) => typeof r.token === 'string')?.token).toBe(tokens[0])
    expect(await f.authorizeCount()).toBe(1)
    await screenshot(first, 'browser-two-tabs-first')
    await screenshot(second, 'browser-two-tabs-second')
  })

  it('switchAccount moves between two accounts in two DCs; the one Zoho signed out says so', async () => {
    const page = await f.fresh()
    await openApp(page, f.app)
    await signInByRedirect(page, ADA)
    await signInByRedirect(page, EMIL)
    expect(await accounts(page)).toEqual([
      expect.objectContaining({ email: ADA, dc: 'us', active: false, refresh: 'session_ended' }),
      expect.objectContaining({ email: EMIL, dc: 'eu', active: true, refresh: 'available' }),
    ])
    expect(await currentUser(page)).toEqual({ status: 200, email: EMIL })
    const ada = (await accounts(page)).find((a) => a.email === ADA)
    await page.evaluate(
      (zuid) =>
        (window as unknown as { auth: { switchAccount(z: string): unknown } }).auth.switchAccount(
          zuid,
        ),
      String(ada?.zuid),
    )
    // Ada's token still lives until it expires, on her own DC's API.
    expect(await currentUser(page)).toEqual({ status: 200, email: ADA })
    await page.evaluate(() => (window as unknown as { render(): void }).render())
    await screenshot(page, 'browser-switch-accounts')
    await skewApp(page, NEAR_EXPIRY)
    await startGetToken(page)
    expect(await settledIn(page)).toEqual({
      reason: 'session_ended',
      message: `Zoho's session for ${ADA} has ended in this browser`,
      remedy: `Sign in again as ${ADA}. Zoho keeps one signed-in user per browser.`,
    })
  })

  it('fetch answers a 401 with one refresh (by popup) and one retry', async () => {
    const page = await f.fresh({ refreshBy: 'popup' })
    await openApp(page, f.app)
    await signInByRedirect(page, ADA)
    // Zoho's clock says the token is dead while the page's says it lives: the API answers 401.
    await f.zoho.control('clock', { advance_seconds: 3601 })
    await f.zoho.control('stats/reset', {})
    const popup = page.waitForEvent('popup')
    const answer = currentUser(page)
    await (await popup).waitForEvent('close')
    expect(await answer).toEqual({ status: 200, email: ADA })
    expect(await f.authorizeCount()).toBe(1)
    // The refused call, CurrentUser naming the refreshed token's account, the retry (the refused
    // call counts only in the total: its dead token names no client).
    expect((await f.zoho.stats()).api).toBe(3)
    expect(await f.apiCount()).toBe(2)
  })
})
