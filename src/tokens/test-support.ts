/**
 * @internal A small fake of Zoho's accounts server (and CRM's current-user call) for the token
 * manager's unit tests: an injectable `fetch` answering Zoho-shaped JSON and counting requests.
 * The real protocol code runs against it.
 */
import { zohoDataCenters } from '../protocol/data-centers.js'
import { EncryptionKeyError } from '../stores/errors.js'
import { MemoryStore } from '../stores/memory.js'
import type { Connection } from '../stores/store.js'
import type { ConnectionStore } from '../stores/store.js'
import { TokenManager } from './manager.js'
import type { TokenEvent, TokenManagerOptions } from './types.js'

export type RefreshOutcome =
  | 'ok'
  | 'invalid_code'
  | 'invalid_client'
  | 'throttle'
  | 'unavailable'
  | 'network'
  /** The connection is refused (ECONNREFUSED): the request never reached Zoho. */
  | 'refused'
  /** The connection is reset after the request was sent (ECONNRESET): it may have minted. */
  | 'reset'
  | { hold: Promise<void> }

/** How the fake answers a revoke: Zoho's own answers, and what goes wrong on the way. */
export type RevokeOutcome =
  | 'ok'
  | 'unknown_token'
  | 'unavailable'
  | 'throttle'
  | 'invalid_client'
  | 'network'
  | { hold: Promise<void> }

export interface FakeZohoUser {
  zuid: string
  email: string
}

export class FakeZoho {
  /** Every request, in order: `${method} ${url}` plus its form. */
  readonly requests: { method: string; url: URL; form: URLSearchParams; headers: Headers }[] = []
  accessTokenTTLSeconds = 3600
  scope: string | undefined = 'ZohoCRM.modules.ALL,AaaServer.profile.READ'
  /** The api_domain token answers name; by default the one of the DC that answered. */
  apiDomain: string | undefined
  user: FakeZohoUser = { zuid: '700000001', email: 'ada@example.com' }
  /** Outcomes of the next refresh requests, first first; then `defaultRefresh`. */
  readonly refreshOutcomes: RefreshOutcome[] = []
  defaultRefresh: RefreshOutcome = 'ok'
  /** Outcomes of the next revoke requests, first first; then 'ok' (or 'unknown_token'). */
  readonly revokeOutcomes: RevokeOutcome[] = []
  readonly validRefreshTokens = new Set<string>()
  readonly validCodes = new Set<string>()
  private counter = 0

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const method = init?.method ?? 'GET'
    const form = new URLSearchParams(typeof init?.body === 'string' ? init.body : '')
    const headers = new Headers(init?.headers)
    this.requests.push({ method, url, form, headers })
    if (url.pathname === '/oauth/v2/token') return this.token(form, url)
    if (url.pathname === '/oauth/v2/token/revoke') return this.revoke(url.searchParams.get('token'))
    if (url.pathname === '/oauth/user/info') {
      return json({ ZUID: Number(this.user.zuid), Email: this.user.email, Display_Name: 'Ada' })
    }
    if (url.pathname === '/crm/v8/users') {
      return json({ users: [{ id: '5000001', zuid: this.user.zuid, email: this.user.email }] })
    }
    return new Response('not found', { status: 404 })
  }

  /** Token requests of one grant type. */
  count(grantType: 'refresh_token' | 'authorization_code'): number {
    return this.requests.filter((r) => r.form.get('grant_type') === grantType).length
  }

  newToken(): string {
    this.counter += 1
    const hex = this.counter.toString(16).padStart(32, '0')
    return `1000.${hex}.${'ab'.repeat(16)}`
  }

  /** A code the fake will accept once. */
  newCode(): string {
    const code = this.newToken()
    this.validCodes.add(code)
    return code
  }

  private async token(form: URLSearchParams, url: URL): Promise<Response> {
    // Zoho names the API host of the DC whose accounts server answered.
    const apiDomain =
      this.apiDomain ?? zohoDataCenters.byAccountsServer(url.origin)?.apiDomain ?? 'unknown'
    const grant = form.get('grant_type')
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? ''
      // Zoho answers HTTP 200 with {"error"}.
      if (!this.validCodes.delete(code)) return json({ error: 'invalid_code' })
      const refreshToken = this.newToken()
      this.validRefreshTokens.add(refreshToken)
      return json(this.tokenBody(apiDomain, { refresh_token: refreshToken }))
    }
    const outcome = this.refreshOutcomes.shift() ?? this.defaultRefresh
    if (typeof outcome === 'object') await outcome.hold
    if (outcome === 'throttle') {
      return json(
        {
          error: 'Access Denied',
          error_description:
            'You have made too many requests continuously. Please try again after some time.',
        },
        400,
      )
    }
    if (outcome === 'unavailable') {
      return new Response('<html>Service Unavailable</html>', {
        status: 503,
        headers: { 'content-type': 'text/html' },
      })
    }
    if (outcome === 'network') throw new TypeError('fetch failed')
    if (outcome === 'refused' || outcome === 'reset') {
      const code = outcome === 'refused' ? 'ECONNREFUSED' : 'ECONNRESET'
      // What undici throws: the system error is the cause of a TypeError.
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })
    }
    if (outcome === 'invalid_client') return json({ error: 'invalid_client' })
    if (
      outcome === 'invalid_code' ||
      !this.validRefreshTokens.has(form.get('refresh_token') ?? '')
    ) {
      return json({ error: 'invalid_code' })
    }
    return json(this.tokenBody(apiDomain, {}))
  }

  private async revoke(token: string | null): Promise<Response> {
    const outcome = this.revokeOutcomes.shift() ?? 'ok'
    if (typeof outcome === 'object') await outcome.hold
    if (outcome === 'network') throw new TypeError('fetch failed')
    if (outcome === 'unavailable') return json({ status: 'failure', error: 'server_error' }, 503)
    // Zoho's throttle comes with HTTP 200.
    if (outcome === 'throttle') return json({ error: 'Access Denied' })
    if (outcome === 'invalid_client') return json({ error: 'invalid_client' })
    // Zoho: a token it does not know is refused with HTTP 400.
    if (outcome === 'unknown_token' || !this.validRefreshTokens.delete(token ?? '')) {
      return json({ status: 'failure', error: 'invalid_token' }, 400)
    }
    return json({ status: 'success' })
  }

  private tokenBody(apiDomain: string, extra: Record<string, string>): Record<string, unknown> {
    return {
      access_token: this.newToken(),
      ...extra,
      api_domain: apiDomain,
      token_type: 'Bearer',
      expires_in: this.accessTokenTTLSeconds,
      ...(this.scope === undefined ? {} : { scope: this.scope }),
    }
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
  })
}

/** A store holding one more row, "old", encrypted under a key that is no longer in the ring. */
export class UnreadableRowStore extends MemoryStore {
  override async list(): Promise<Connection[]> {
    throw new EncryptionKeyError({
      reason: 'unknown_key_id',
      keyId: '0badc0de',
      message: 'The stored secrets of "old" were encrypted with key id 0badc0de',
      remedy: 'Add the old key after the new one in ZOHO_AUTH_ENCRYPTION_KEY.',
    })
  }
}

/** A clock tests move by hand. */
export class FakeClock {
  constructor(public value = Date.UTC(2026, 0, 1)) {}
  readonly now = (): number => this.value
  advance(ms: number): void {
    this.value += ms
  }
}

/** Counts every method call on a store, to prove a path does no I/O. */
export function countingStore<T extends object>(store: T): { store: T; calls: string[] } {
  const calls: string[] = []
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push(String(property))
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { store: proxy, calls }
}

export const TEST_CLIENT = {
  clientId: '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123',
  clientSecret: '0123456789abcdef0123456789abcdef0123456789',
}

export interface Harness {
  clock: FakeClock
  zoho: FakeZoho
  store: ConnectionStore
  manager: TokenManager
  events: TokenEvent[]
  sleeps: number[]
  options: TokenManagerOptions
  /** Adds an active connection whose access token expires in `expiresInMs`. */
  seed(init?: { id?: string; expiresInMs?: number; lifetimeMs?: number; zuid?: string }): Promise<{
    refreshToken: string
    accessToken: string
  }>
  /** Resolves at the next event of `type`. */
  next(type: TokenEvent['type']): Promise<TokenEvent>
  /** Another manager (another "process") on the same store, fake Zoho and clock. */
  sibling(overrides?: Partial<TokenManagerOptions>): TokenManager
}

export function harness(overrides: Partial<TokenManagerOptions> = {}): Harness {
  const clock = new FakeClock()
  const zoho = new FakeZoho()
  const store = overrides.store ?? new MemoryStore()
  const sleeps: number[] = []
  const options: TokenManagerOptions = {
    store,
    client: TEST_CLIENT,
    fetch: zoho.fetch,
    now: clock.now,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    ownerId: 'process-a',
    ...overrides,
  }
  const manager = new TokenManager(options)
  const events: TokenEvent[] = []
  manager.on((event) => events.push(event))
  return {
    clock,
    zoho,
    store,
    manager,
    events,
    sleeps,
    options,
    async seed(init = {}) {
      const refreshToken = zoho.newToken()
      const accessToken = zoho.newToken()
      zoho.validRefreshTokens.add(refreshToken)
      const lifetimeMs = init.lifetimeMs ?? 3_600_000
      const expiresAt = clock.value + (init.expiresInMs ?? 0)
      // Written when minted, so the store's updatedAt tells the token's lifetime.
      await store.create(
        {
          id: init.id ?? 'acme',
          clientId: TEST_CLIENT.clientId,
          dc: 'us',
          accountsServer: 'https://accounts.zoho.com',
          apiDomain: 'https://www.zohoapis.com',
          scopes: ['ZohoCRM.modules.ALL'],
          zuid: init.zuid ?? null,
          email: null,
          refreshToken,
          accessToken,
          accessTokenExpiresAt: expiresAt,
          status: 'active',
          lastError: null,
        },
        expiresAt - lifetimeMs,
      )
      return { refreshToken, accessToken }
    },
    next(type) {
      return new Promise((resolve) => {
        const off = manager.on((event) => {
          if (event.type !== type) return
          off()
          resolve(event)
        })
      })
    },
    sibling(more = {}) {
      return new TokenManager({ ...options, ownerId: 'process-b', ...more })
    },
  }
}
