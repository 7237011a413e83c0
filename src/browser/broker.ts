/**
 * `createBrokerClient`: the broker-backed mode (docs/browser.md). Each account signs in once
 * through a zoho-auth broker, which keeps its refresh token; the page asks the broker for a
 * short-lived access token of the account it selects, so switching accounts needs no new Zoho
 * sign-in and every account stays alive at once. Tokens live in memory only.
 */
import { BrowserAuthError } from './errors.js'
import { leaveFor, zohoFetch } from './zoho-fetch.js'

/** Options of {@link createBrokerClient}. */
export interface BrokerClientOptions {
  /** The broker's URL, e.g. `https://auth.example.com`; this app's origin must be on its allowlist. */
  brokerUrl: string
}

/** An account this browser signed in through the broker. */
export interface BrokerAccount {
  id: string
  email: string | null
  zuid: string | null
  dc: string
  api_domain: string | null
  /** `active`, or why the broker cannot mint for it (`needs_reauth`, `revoked`). */
  status: string
  /** The one `switchTo` selected in this tab. */
  active: boolean
}

/** The broker-backed client: one per broker per page. */
export interface BrokerClient {
  /** Call on load: after a sign-in, selects the new account and cleans the address bar. */
  handleRedirect(): string | undefined
  /** Sends the page to the broker's sign-in (the page leaves). */
  signIn(options?: { returnTo?: string; dc?: string; scopes?: string[] }): Promise<never>
  accounts(): Promise<BrokerAccount[]>
  switchTo(id: string): void
  activeId(): string | undefined
  /** A valid access token of the active account; `rejected` is one the API just refused. */
  getToken(rejected?: string): Promise<{ token: string; apiDomain: string }>
  /** `fetch` on the active account's API domain: a 401 gets one new token, one retry. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** Revokes the account at Zoho (through the broker) and forgets it. */
  signOut(id?: string): Promise<void>
}

const KEY = 'zoho-auth:broker-active'

interface TokenAnswer {
  access_token: string
  api_domain: string
  expires_at: string
}

/** Creates the broker-backed client. */
export function createBrokerClient({ brokerUrl }: BrokerClientOptions): BrokerClient {
  const base = `${brokerUrl.replace(/\/+$/, '')}/browser/v1`
  // Per account, its last token request: every caller meanwhile shares it.
  const held: Record<string, Promise<TokenAnswer>> = {}
  const activeId = (): string | undefined => sessionStorage.getItem(KEY) ?? undefined
  const switchTo = (id: string): void => sessionStorage.setItem(KEY, id)
  const at = (id: string): string => `/accounts/${encodeURIComponent(id)}`

  // The broker's answers are its own JSON (src/server/browser/index.ts), read as such.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function call(method: string, path: string, body?: object): Promise<any> {
    const response = await fetch(base + path, {
      method,
      credentials: 'include',
      headers: { 'x-zoho-auth-browser': '1' },
      body: JSON.stringify(body),
    })
    const json = await response.json().catch(() => ({}))
    if (response.ok) return json
    const e = json.error ?? {}
    throw new BrowserAuthError(
      response.status === 404 ? 'signed_out' : 'broker_error',
      e.message ?? `The broker answered ${response.status}`,
      e.remedy ?? 'Try again.',
    )
  }

  async function getToken(rejected?: string): Promise<{ token: string; apiDomain: string }> {
    const id = activeId()
    if (!id) throw new BrowserAuthError('signed_out', 'No account is selected', 'Sign in.')
    const pending = held[id]
    let answer = await pending?.catch(() => undefined)
    // Good for another minute and not the one just refused; else one new request for all.
    if (
      !answer ||
      answer.access_token === rejected ||
      Date.parse(answer.expires_at) < Date.now() + 6e4
    ) {
      if (held[id] === pending) held[id] = call('POST', `${at(id)}/token`, { rejected })
      answer = (await held[id]) as TokenAnswer
    }
    return { token: answer.access_token, apiDomain: answer.api_domain }
  }

  return {
    handleRedirect() {
      const q = new URLSearchParams(location.search)
      const id = q.get('connection')
      if (!id || q.get('status') !== 'connected') return undefined
      switchTo(id)
      q.delete('connection')
      q.delete('status')
      history.replaceState(null, '', location.pathname + (q.size ? `?${q}` : '') + location.hash)
      return id
    },
    signIn(o = {}) {
      const q = new URLSearchParams({ return_to: o.returnTo ?? location.href })
      if (o.dc) q.set('dc', o.dc)
      if (o.scopes) q.set('scopes', o.scopes.join(','))
      return leaveFor(`${base}/connect?${q}`)
    },
    async accounts() {
      const list: BrokerAccount[] = (await call('GET', '/accounts')).accounts
      return list.map((a) => ({ ...a, active: a.id === activeId() }))
    },
    switchTo,
    activeId,
    getToken,
    async fetch(path, init = {}) {
      // Only a path, on the API domain the broker's DC table names: `@evil` would change the host.
      if (path[0] !== '/')
        throw new BrowserAuthError('foreign_url', `${path} is not a path`, 'Pass a path.')
      return zohoFetch(init, async (rejected) => {
        const { token, apiDomain } = await getToken(rejected)
        return [token, apiDomain + path]
      })
    },
    async signOut(id = activeId()) {
      if (!id) return
      await call('DELETE', at(id))
      delete held[id]
      if (id === activeId()) sessionStorage.removeItem(KEY)
    },
  }
}
