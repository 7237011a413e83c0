/**
 * `createZohoBrowserAuth`: sign in with Zoho from a single-page app (Zoho's implicit flow), keep
 * a token per account, refresh by redirect while Zoho's session lives, switch accounts, call Zoho
 * APIs, sign out. See docs/browser.md.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/js-apps/access-token.html
 * @see https://www.zoho.com/accounts/protocol/oauth/js-apps/access-expiry.html
 */
import { dcHosts, type DcHosts } from './dcs.js'
import { BrowserAuthError, zohoRedirectError, type AccountRef } from './errors.js'
import { parseZohoFragment, type ZohoErrorFragment, type ZohoTokenFragment } from './fragment.js'
import { identify } from './identify.js'
import {
  accountStore,
  newState,
  savePending,
  takePending,
  type Pending,
  type StoredAccount,
} from './storage.js'
import { handOver, popupAnswer } from './popup.js'
import { tabsOf } from './tabs.js'
import { leaveFor, zohoFetch } from './zoho-fetch.js'

/** Options of {@link createZohoBrowserAuth}. */
export interface ZohoBrowserAuthOptions {
  /** A client-based client's id (API console: "Client-based Applications"). */
  clientId: string
  /** Registered redirect URI: a page of this app that calls `handleRedirect()` on load. */
  redirectURI: string
  /** Scopes; `ZohoCRM.users.READ` (or a scope covering it) identifies the account. */
  scopes: string[]
  /** The DC whose accounts server users sign in at (default `us`; Zoho sends each user home). */
  dc?: string
  /** The offline emulator's base URL instead of Zoho (tests, the sandbox). */
  emulatorURL?: string
  /** Where tokens live: `session` (default, this tab's session) or `local` (every tab, on disk). */
  storage?: 'session' | 'local'
  /** How a silent refresh runs: `redirect` (default, the tab goes and comes back) or `popup`. */
  refreshBy?: 'redirect' | 'popup'
  /** Refresh this long before expiry (default 300 s). */
  marginSeconds?: number
  /** Token requests per account per `tokenWindowSeconds` (default 10 per 600 s, Zoho's limit). */
  maxTokensPerWindow?: number
  tokenWindowSeconds?: number
  /** How long to wait for a popup or another tab's refresh (default 120 000 ms). */
  waitMs?: number
  /** The clock (default `Date.now`). */
  now?: () => number
}

/** A known account as the page may show it (never the token). */
export interface AccountInfo {
  zuid: string
  email: string
  name: string
  dc: string
  apiDomain: string
  active: boolean
  /** Epoch ms when the access token expires. */
  expiresAt: number
  /** The token is good for longer than the margin. */
  tokenValid: boolean
  /** Whether a silent refresh can work in this browser, and if not, why. */
  refresh: 'available' | 'session_ended' | 'not_granted_for_session'
}

/** What `handleRedirect()` found in the address bar. */
export type RedirectOutcome =
  | { type: 'signed_in' | 'refreshed'; account: AccountInfo; returnTo: string }
  | { type: 'error'; error: BrowserAuthError; returnTo: string }
  /** This window was the sign-in popup: it handed the answer to its opener and closes. */
  | { type: 'popup' }

/** The browser module's face: one per client per page. */
export interface ZohoBrowserAuth {
  /** Call on every page load: finishes a sign-in or refresh whose answer is in the URL. */
  handleRedirect(): Promise<RedirectOutcome | undefined>
  /** Sends the user to Zoho (the page leaves), or opens a popup and resolves with the account. */
  signIn(options?: { popup?: boolean; returnTo?: string }): Promise<AccountInfo>
  accounts(): AccountInfo[]
  activeAccount(): AccountInfo | undefined
  switchAccount(zuid: string): AccountInfo
  /** A valid access token of the active account, refreshed when needed (throws a typed reason). */
  getToken(): Promise<string>
  /** `fetch` on the active account's API domain with its token: a 401 gets one refresh, one retry. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** Forgets the account; `revoke` also asks Zoho to revoke the token (see docs/browser.md). */
  signOut(zuid?: string, options?: { revoke?: boolean }): Promise<void>
}

const here = (): string => location.pathname + location.search + location.hash
const ref = (a: StoredAccount): AccountRef => ({ zuid: a.zuid, email: a.email, dc: a.dc })

/** Creates the browser module for one client-based client. */
export function createZohoBrowserAuth(options: ZohoBrowserAuthOptions): ZohoBrowserAuth {
  const { clientId, emulatorURL } = options
  const now = options.now ?? Date.now
  const margin = (options.marginSeconds ?? 300) * 1000
  const waitMs = options.waitMs ?? 120_000
  const store = accountStore(options.storage === 'local' ? localStorage : sessionStorage, clientId)
  const tabs = tabsOf(
    clientId,
    options.maxTokensPerWindow ?? 10,
    (options.tokenWindowSeconds ?? 600) * 1000,
  )
  const hostsOf = (dc: string): DcHosts => {
    const hosts = dcHosts(dc, emulatorURL)
    if (!hosts)
      throw new BrowserAuthError('zoho_error', `Unknown Zoho data centre "${dc}"`, 'Sign in again.')
    return hosts
  }
  const usable = (a: StoredAccount): boolean => a.expiresAt - margin > now()
  const info = (a: StoredAccount): AccountInfo => ({
    zuid: a.zuid,
    email: a.email,
    name: a.name,
    dc: a.dc,
    apiDomain: a.apiDomain,
    active: store.activeId() === a.zuid,
    expiresAt: a.expiresAt,
    tokenValid: usable(a),
    refresh: !a.grantedForSession
      ? 'not_granted_for_session'
      : a.sessionEnded
        ? 'session_ended'
        : 'available',
  })
  // Another tab's new token for an account this tab knows; a sign-in there ends the other
  // accounts' Zoho sessions here too, since Zoho has one signed-in user per browser.
  tabs.listen((m) => {
    if (m.t !== 'token') return
    if (store.get(m.account.zuid)) store.put(m.account)
    if (m.signedIn) store.endOtherSessions(m.account.zuid)
  })

  async function accept(f: ZohoTokenFragment, pending: Pending): Promise<StoredAccount> {
    // The API domain comes from the DC table; the fragment's own is never used.
    const apiDomain = hostsOf(f.location).api
    const me = await identify(apiDomain, f.accessToken)
    const signedIn = !pending.zuid
    const account: StoredAccount = {
      ...me,
      dc: f.location,
      apiDomain,
      accessToken: f.accessToken,
      expiresAt: now() + f.expiresIn * 1000,
      scopes: f.scopes[0] ? f.scopes : options.scopes,
      grantedForSession: f.grantedForSession,
      sessionEnded: false,
    }
    store.put(account, signedIn)
    if (signedIn) {
      store.endOtherSessions(account.zuid)
      // A sign-in mints a token too: it counts, though a user's own sign-in is never refused.
      tabs.spend(account.zuid, now())
    }
    tabs.post({ t: 'token', account, signedIn })
    return account
  }

  async function settle(
    f: ZohoTokenFragment | ZohoErrorFragment,
    pending: Pending | undefined,
  ): Promise<Exclude<RedirectOutcome, { type: 'popup' }>> {
    const returnTo = pending?.returnTo ?? location.pathname
    const prior = store.get(pending?.zuid)
    try {
      if (!pending) {
        throw new BrowserAuthError(
          'state_mismatch',
          'This answer from Zoho is not for a sign-in this tab started, or was already used',
          'Sign in again from this tab.',
        )
      }
      if (f.type === 'error') throw zohoRedirectError(f.error, prior && ref(prior))
      const account = await accept(f, pending)
      // Zoho refreshes whoever is signed in there now, which may be someone else.
      if (prior && prior.zuid !== account.zuid)
        throw zohoRedirectError('client_not_granted', ref(prior))
      const type = pending.zuid ? 'refreshed' : 'signed_in'
      return { type, account: info(account), returnTo }
    } catch (caught) {
      const error =
        caught instanceof BrowserAuthError
          ? caught
          : new BrowserAuthError('identify_failed', String(caught), 'Sign in again.')
      if (prior) {
        if (error.reason === 'session_ended') store.put({ ...prior, sessionEnded: true })
        const { reason, message, remedy } = error
        tabs.post({ t: 'fail', zuid: prior.zuid, reason, message, remedy })
      }
      return { type: 'error', error, returnTo }
    } finally {
      if (pending?.zuid) tabs.markRefreshing(pending.zuid)
    }
  }

  /**
   * Sends the user to Zoho for a sign-in or (with `pending.zuid`) a refresh: the page leaves, or
   * a popup opens and this resolves with the account it brought back.
   */
  async function askZoho(
    pending: Omit<Pending, 'at'>,
    popup: boolean,
    dc: string,
    scopes: string[],
  ): Promise<StoredAccount> {
    const state = newState(popup)
    const { zuid } = pending
    savePending(clientId, state, { ...pending, at: now() })
    const url = `${hostsOf(dc).accounts}/oauth/v2/auth${zuid ? '/refresh' : ''}?${new URLSearchParams(
      {
        client_id: clientId,
        response_type: 'token',
        scope: scopes.join(','),
        redirect_uri: options.redirectURI,
        state,
      },
    )}`
    if (!popup) {
      if (zuid) tabs.markRefreshing(zuid, now())
      return leaveFor(url)
    }
    const f = parseZohoFragment(await popupAnswer(tabs, url, state, waitMs))
    if (!f) throw new BrowserAuthError('zoho_error', 'The popup came back empty', 'Sign in again.')
    const outcome = await settle(f, takePending(clientId, state, now()))
    if (outcome.type === 'error') throw outcome.error
    return store.get(outcome.account.zuid) as StoredAccount
  }

  /** One refresh of an account for all tabs; `rejected` is a token the API just refused. */
  function refresh(zuid: string, rejected?: string): Promise<StoredAccount> {
    return tabs.locked(zuid, async () => {
      const account = store.get(zuid)
      if (!account) throw signedOut()
      if (usable(account) && account.accessToken !== rejected) return account
      const since = tabs.refreshingSince(zuid)
      const left = waitMs - (now() - since)
      if (since > 0 && left > 0) return tabs.answerFor(zuid, left)
      if (!account.grantedForSession) {
        const message = `${account.email} did not grant access for the whole session, so Zoho cannot refresh silently`
        throw new BrowserAuthError(
          'not_granted_for_session',
          message,
          `Sign in again as ${account.email}. Tick "grant access for the entire session".`,
          ref(account),
        )
      }
      if (account.sessionEnded) throw zohoRedirectError('client_not_granted', ref(account))
      if (!tabs.spend(zuid, now())) {
        const message = `Refreshing ${account.email} again now would pass Zoho's token limit (Access Denied)`
        throw new BrowserAuthError(
          'too_many_refreshes',
          message,
          'Wait a few minutes.',
          ref(account),
        )
      }
      const pending = { returnTo: here(), zuid }
      return askZoho(pending, options.refreshBy === 'popup', account.dc, account.scopes)
    })
  }

  const signedOut = (): BrowserAuthError =>
    new BrowserAuthError('signed_out', 'No Zoho account is signed in', 'Sign in.')
  const active = (): StoredAccount => {
    const account = store.get(store.activeId())
    if (!account) throw signedOut()
    return account
  }
  // The stored token while it is good and not the one just refused; else one refresh for all.
  const tokenOf = async (account: StoredAccount, rejected?: string): Promise<string> =>
    usable(account) && account.accessToken !== rejected
      ? account.accessToken
      : (await refresh(account.zuid, rejected)).accessToken

  return {
    async handleRedirect() {
      const raw = location.hash.length > 1 ? location.hash : location.search
      const f = parseZohoFragment(raw)
      if (!f) return undefined
      const state = f.state ?? ''
      if (state.startsWith('p.')) {
        handOver(tabs, state, raw)
        return { type: 'popup' }
      }
      const pending = takePending(clientId, state, now())
      // The token leaves the address bar (and this history entry) before anything else runs.
      history.replaceState(null, '', pending?.returnTo ?? location.pathname)
      return settle(f, pending)
    },

    async signIn(signInOptions = {}) {
      const pending = { returnTo: signInOptions.returnTo ?? here() }
      const popup = signInOptions.popup === true
      return info(await askZoho(pending, popup, options.dc ?? 'us', options.scopes))
    },

    accounts: () => store.all().map(info),
    activeAccount() {
      const account = store.get(store.activeId())
      return account && info(account)
    },
    switchAccount(zuid) {
      const account = store.get(zuid)
      if (!account) {
        throw new BrowserAuthError(
          'signed_out',
          `No account ${zuid} is known in this browser`,
          'Sign in as that account.',
        )
      }
      store.put(account, true)
      return info(account)
    },

    getToken: async () => tokenOf(active()),

    async fetch(path, init = {}) {
      const account = active()
      const url = path[0] === '/' ? account.apiDomain + path : path
      // The token goes to this account's API domain only, never to a URL a caller passes.
      if (!url.startsWith(`${account.apiDomain}/`)) {
        throw new BrowserAuthError(
          'foreign_url',
          `${url} is not on ${account.apiDomain}`,
          'Pass a path on the API domain.',
        )
      }
      return zohoFetch(init, async (rejected) => [await tokenOf(account, rejected), url])
    },

    async signOut(zuid = store.activeId(), signOutOptions = {}) {
      const account = store.get(zuid)
      if (!account) return
      if (signOutOptions.revoke) {
        // Zoho's accounts server answers no CORS: the revoke goes out, its answer is unreadable.
        await fetch(`${hostsOf(account.dc).accounts}/oauth/v2/token/revoke`, {
          method: 'POST',
          mode: 'no-cors',
          body: new URLSearchParams({ token: account.accessToken }),
        }).catch(() => undefined)
      }
      store.remove(account.zuid)
    },
  }
}
