/**
 * What the manager's parts share: resolved options, the store, the cache, the events, and the
 * trusted hosts and client of a connection. Internal to src/tokens.
 */
import { hostname } from 'node:os'
import { zohoDataCenters } from '../protocol/data-centers.js'
import type { DataCenter, DataCenterTable } from '../protocol/data-centers.js'
import { redact } from '../protocol/redact.js'
import type { Connection, ConnectionStore } from '../stores/store.js'
import { MintBudget } from './budget.js'
import { TokenCache } from './cache.js'
import { storedLifetime, toAccessToken, ZOHO_MAX_REFRESH_TOKENS } from './connection.js'
import {
  ClientNotConfiguredError,
  ConnectionAccountsServerError,
  ConnectionApiDomainError,
  ConnectionNotFoundError,
  ConnectionRevokedError,
  NeedsReauthError,
} from './errors.js'
import { Emitter } from './events.js'
import type { AccessToken, OAuthClient, TokenEvent, TokenManagerOptions } from './types.js'

export interface RequestSettings {
  fetch?: typeof fetch
  timeoutMs: number
  allowInsecureHTTP?: boolean
}

export class ManagerContext {
  readonly store: ConnectionStore
  readonly dataCenters: DataCenterTable
  readonly now: () => number
  readonly random: () => number
  readonly sleep: (ms: number) => Promise<void>
  readonly ownerId: string
  readonly refreshMarginMs: number
  readonly leaseTtlMs: number
  readonly retry: { attempts: number; baseDelayMs: number; deadlineMs: number }
  readonly request: RequestSettings
  readonly budget: MintBudget
  readonly maxRefreshTokens: number
  readonly events = new Emitter<TokenEvent>()
  readonly cache: TokenCache
  /** Connections we warned Zoho will evict (the 21st grant of the same user and client). */
  readonly evictionWarned = new Set<string>()
  closed = false

  constructor(private readonly options: TokenManagerOptions) {
    this.store = options.store
    this.dataCenters = options.dataCenters ?? zohoDataCenters
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.ownerId =
      options.ownerId ?? `${hostname()}:${process.pid}:${this.random().toString(36).slice(2, 10)}`
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000
    this.leaseTtlMs = options.leaseTtlMs ?? 10_000
    this.retry = {
      attempts: Math.max(1, options.retry?.attempts ?? 3),
      baseDelayMs: options.retry?.baseDelayMs ?? 250,
      deadlineMs: options.retry?.deadlineMs ?? 20_000,
    }
    this.request = {
      timeoutMs: options.requestTimeoutMs ?? 15_000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.allowInsecureHTTP ? { allowInsecureHTTP: true } : {}),
    }
    this.cache = new TokenCache(this.refreshMarginMs)
    this.budget = new MintBudget(this.store, options.budget)
    this.maxRefreshTokens = options.maxRefreshTokensPerUser ?? ZOHO_MAX_REFRESH_TOKENS
  }

  /**
   * The token `connection` holds, as handed out (check it is unexpired first), with its DC's API
   * domain from the trusted table (read() has checked the stored one is that).
   */
  accessTokenOf(connection: Connection): AccessToken {
    return toAccessToken({ ...connection, apiDomain: this.apiDomain(connection) })
  }

  /** Caches and returns the stored token of `connection`; its lifetime is inferred from the row. */
  serveStored(connection: Connection): AccessToken {
    return this.cache.remember(this.accessTokenOf(connection), storedLifetime(connection))
  }

  /** The store's row, or the typed error that says why it serves no token. */
  async read(id: string): Promise<Connection> {
    const connection = await this.store.get(id)
    if (connection === null) throw new ConnectionNotFoundError(id)
    if (connection.status === 'revoked') throw new ConnectionRevokedError(id)
    if (connection.status === 'needs_reauth') {
      // Evicted: the process that marked it said so, or we warned about it here.
      const evicted = connection.evicted || this.evictionWarned.has(id)
      throw new NeedsReauthError({ connectionId: id, evicted })
    }
    this.apiDomain(connection)
    return connection
  }

  /**
   * Where the access tokens of `connection` may be used: its DC's API domain from the trusted
   * table, and only if the stored one is that (a row altered in the database must not send our
   * access tokens to its host).
   */
  apiDomain(connection: Connection): string {
    const expected = this.dataCenters.byLocation(connection.dc)?.apiDomain
    if (expected !== undefined && sameHost(expected, connection.apiDomain)) return expected
    throw new ConnectionApiDomainError({
      connectionId: connection.id,
      apiDomain: connection.apiDomain,
      dc: connection.dc,
      ...(expected !== undefined ? { expected } : {}),
    })
  }

  /**
   * The API domain a token answer names is not trusted: the DC's is used, and a different one is
   * reported as a warning (Zoho naming another DC's host would mean the DC table is wrong).
   */
  trustedApiDomain(
    connectionId: string,
    dc: Pick<DataCenter, 'location' | 'apiDomain'>,
    answered: string,
  ): string {
    if (!sameHost(dc.apiDomain, answered)) {
      this.events.emit({
        type: 'warning',
        connectionId,
        message: `Zoho's token answer for "${connectionId}" named API domain "${redact(answered)}", not ${dc.apiDomain} of its data centre (${dc.location}): the data centre's is used.`,
      })
    }
    return dc.apiDomain
  }

  /**
   * A token answer whose lifetime was not used as stated (missing, nonsense, beyond Zoho's hour)
   * keeps its token for the lifetime the answer reader chose; people hear about it as a warning,
   * since Zoho always states one (src/protocol/token-response.ts).
   */
  warnAboutLifetime(connectionId: string, lifetimeWarning: string | undefined): void {
    if (lifetimeWarning === undefined) return
    this.events.emit({
      type: 'warning',
      connectionId,
      message: `Zoho's token answer for "${connectionId}" was unexpected: ${lifetimeWarning}.`,
    })
  }

  /**
   * Where the refresh token of `connection` may be sent: its DC's accounts server from the
   * trusted table, never just the stored column (a row written by someone else must not get
   * our refresh token and client secret sent to its host).
   */
  accountsServer(connection: Connection): string {
    const expected = this.dataCenters.byLocation(connection.dc)?.accountsServer
    if (expected !== undefined && sameOrigin(expected, connection.accountsServer)) return expected
    throw new ConnectionAccountsServerError({
      connectionId: connection.id,
      accountsServer: connection.accountsServer,
      dc: connection.dc,
      ...(expected !== undefined ? { expected } : {}),
    })
  }

  /**
   * The client for `clientId`: the configured one when it matches, then resolveClient, then the
   * store's registered clients, then the configured one (as the options promise).
   */
  async client(clientId: string | undefined): Promise<OAuthClient> {
    const configured = this.options.client
    if (configured && (clientId === undefined || configured.clientId === clientId))
      return configured
    if (clientId !== undefined) {
      const resolved = (await this.options.resolveClient?.(clientId)) ?? null
      if (resolved) return resolved
      const stored = await this.store.getClient(clientId)
      if (stored)
        return {
          clientId: stored.clientId,
          clientSecret: stored.clientSecret,
          dcSecrets: stored.dcSecrets,
        }
    }
    if (configured) return configured
    throw new ClientNotConfiguredError(clientId)
  }
}

/** Same scheme, host, port and path (the emulator's API hosts differ by path only). */
function sameHost(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)]
    const path = (u: URL): string => u.pathname.replace(/\/+$/, '').toLowerCase()
    return x.origin === y.origin && path(x) === path(y)
  } catch {
    return false
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin
  } catch {
    return false
  }
}
