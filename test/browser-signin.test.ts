/**
 * zoho-auth/browser in headless Chromium against the emulator on a real socket: sign-in by
 * redirect and by popup, the token kept out of the URL and the history, a foreign or replayed
 * state refused, sign-out with revoke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { historyURLs, screenshot } from './support/browser-chromium.js'
import {
  ADA,
  EMIL,
  consent,
  openApp,
  outcomeOf,
  signInByRedirect,
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

describe('zoho-auth/browser signIn (Chromium, emulator)', { timeout: 60_000 }, () => {
  it('signIn by redirect: consent page, back to where the user was, no token in the URL or history, CurrentUser works', async () => {
    const page = await f.fresh()
    await openApp(page, f.app, '/app/reports?tab=2#/leads')
    await page.click('#signin')
    await consent(page, ADA)
    const outcome = await outcomeOf(page, 'signed_in')
    expect(outcome).toMatchObject({
      type: 'signed_in',
      returnTo: '/app/reports?tab=2#/leads',
      account: { email: ADA, dc: 'us', active: true, tokenValid: true, refresh: 'available' },
    })
    expect(page.url()).toBe(`${f.app.origin}/app/reports?tab=2#/leads`)
    const history = await historyURLs(page)
    expect(history.length).toBeGreaterThanOrEqual(2)
    expect(history.filter((url) => url.includes('access_token'))).toEqual([])
    const me = await page.evaluate(async () => {
      const auth = (window as unknown as { auth: { fetch(p: string): Promise<Response> } }).auth
      const response = await auth.fetch('/crm/v8/users?type=CurrentUser')
      return {
        status: response.status,
        body: (await response.json()) as { users: { email: string }[] },
      }
    })
    expect(me.status).toBe(200)
    expect(me.body.users[0]?.email).toBe(ADA)
    expect(await page.textContent('#who')).toBe(`${ADA} (us)`)
    await screenshot(page, 'browser-signin-redirect')
  })

  it('signIn by popup: the popup carries the answer to its opener and closes; the page never leaves', async () => {
    const page = await f.fresh({ popup: true })
    await openApp(page, f.app)
    const popupOpened = page.waitForEvent('popup')
    await page.evaluate(() => {
      const w = window as unknown as {
        auth: { signIn(o: object): Promise<unknown> }
        signedIn: unknown
      }
      w.signedIn = w.auth.signIn({ popup: true })
    })
    const popup = await popupOpened
    await popup.waitForSelector('#email')
    await screenshot(popup, 'browser-signin-popup-consent')
    const closed = popup.waitForEvent('close')
    await consent(popup, EMIL)
    await closed
    const account = await page.evaluate(() => (window as unknown as { signedIn: unknown }).signedIn)
    expect(account).toMatchObject({
      email: EMIL,
      dc: 'eu',
      active: true,
      apiDomain: `${f.zoho.url}/eu/api`,
    })
    expect(page.url()).toBe(`${f.app.origin}/app/home`)
    expect((await historyURLs(page)).filter((url) => url.includes('access_token'))).toEqual([])
    await page.evaluate(() => (window as unknown as { render(): void }).render())
    expect(await page.textContent('#who')).toBe(`${EMIL} (eu)`)
    await screenshot(page, 'browser-signin-popup-done')
  })

  it('handleRedirect refuses a state this tab never sent, and a replayed one, keeping no token', async () => {
    const page = await f.fresh()
    await openApp(page, f.app)
    let callback = ''
    page.on('response', (response) => {
      const location = response.headers().location ?? ''
      if (location.startsWith(f.app.redirectURI)) callback = location
    })
    await signInByRedirect(page, ADA)
    expect(callback).toContain('#&access_token=')
    // The same answer again: its state was used once already.
    await page.goto(callback)
    const replayed = await outcomeOf(page, 'error')
    expect(replayed).toMatchObject({
      reason: 'state_mismatch',
      message: 'This answer from Zoho is not for a sign-in this tab started, or was already used',
      remedy: 'Sign in again from this tab.',
    })
    expect(page.url()).toBe(`${f.app.origin}/app/callback`)
    // A real token for Emil, under a state this tab never made (as a login CSRF would send).
    const forged = new URL(`${f.zoho.url}/us/accounts/oauth/v2/auth`)
    forged.search = new URLSearchParams({
      client_id: f.clientId,
      response_type: 'token',
      redirect_uri: f.app.redirectURI,
      scope: 'ZohoCRM.users.READ',
      state: 'r.0123456789abcdef0123456789abcdef',
      emulator_login: EMIL,
    }).toString()
    await page.goto(forged.toString())
    expect(await outcomeOf(page, 'error')).toMatchObject({ reason: 'state_mismatch' })
    const accounts = await page.evaluate(() =>
      (window as unknown as { auth: { accounts(): { email: string }[] } }).auth.accounts(),
    )
    expect(accounts.map((a) => a.email)).toEqual([ADA])
    expect((await historyURLs(page)).filter((url) => url.includes('access_token'))).toEqual([])
    await screenshot(page, 'browser-state-mismatch')
  })

  it('signOut with revoke asks Zoho to revoke the token (a no-cors POST) and forgets the account', async () => {
    const page = await f.fresh()
    await openApp(page, f.app)
    await signInByRedirect(page, ADA)
    const before = await f.zoho.control(`tokens?client_id=${f.clientId}`)
    expect(before.access_token_count).toBe(1)
    const left = await page.evaluate(async () => {
      const auth = (
        window as unknown as {
          auth: { signOut(z?: string, o?: object): Promise<void>; accounts(): unknown[] }
        }
      ).auth
      await auth.signOut(undefined, { revoke: true })
      return auth.accounts()
    })
    expect(left).toEqual([])
    expect((await f.zoho.stats()).revoke).toBe(1)
    expect((await f.zoho.control(`tokens?client_id=${f.clientId}`)).access_token_count).toBe(0)
    const error = await page.evaluate(() =>
      (window as unknown as { auth: { getToken(): Promise<string> } }).auth
        .getToken()
        .catch((e: { reason: string; message: string }) => ({
          reason: e.reason,
          message: e.message,
        })),
    )
    expect(error).toEqual({ reason: 'signed_out', message: 'No Zoho account is signed in' })
  })
})
