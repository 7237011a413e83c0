/**
 * What the emulated Zoho knows: clients, users, grant codes, refresh and access tokens, browser
 * sessions and device codes. Plain maps; the rules that act on them live in tokens.ts.
 */
import type { Dc } from './dcs.js'

export type ClientType = 'server' | 'self' | 'client' | 'device'

export interface Client {
  clientId: string
  secret: string
  type: ClientType
  /** Exact registered redirect URIs (server and client-based apps). */
  redirectURIs: string[]
  /** A client-based app's registered JavaScript origins: CRM's API answers CORS for these. */
  javascriptOrigins: string[]
  /** DCs the client is enabled in; the first is its home DC. */
  dcs: Dc[]
  /** Per-DC secrets (multi-DC with a distinct secret in that DC). */
  dcSecrets: Partial<Record<Dc, string>>
  /** Times grant codes were issued, for the per-client grant code limit. */
  grantCodeTimes: number[]
}

export interface User {
  zuid: string
  email: string
  dc: Dc
  firstName: string
  lastName: string
  /** The user's id inside CRM (a 19-digit record id). */
  crmUserId: string
  /** Services (`ZohoCRM`, `ZohoInvoice`) whose product this user has no org of: `error=no_org`. */
  orglessServices: string[]
}

export interface PkceChallenge {
  challenge: string
  method: 'S256' | 'plain'
}

export interface GrantCode {
  code: string
  clientId: string
  zuid: string
  /** The DC that issued the code: the user's DC. Only that DC can exchange it. */
  dc: Dc
  scopes: string[]
  expiresAt: number
  /** The redirect URI of the authorize request; undefined for Self Client codes. */
  redirectURI: string | undefined
  withRefreshToken: boolean
  pkce: PkceChallenge | undefined
  used: boolean
}

export interface RefreshToken {
  token: string
  clientId: string
  zuid: string
  dc: Dc
  scopes: string[]
  createdAt: number
  /** When each access token was minted from this refresh token (the 10-per-10-min window). */
  mintTimes: number[]
  /** Live access tokens minted from it, oldest first. */
  accessTokens: string[]
}

export interface AccessToken {
  token: string
  clientId: string
  /** Undefined for client-credentials tokens, which act for the org rather than a user. */
  zuid: string | undefined
  dc: Dc
  scopes: string[]
  expiresAt: number
  refreshToken: string | undefined
}

export interface DeviceCode {
  deviceCode: string
  userCode: string
  clientId: string
  dc: Dc
  scopes: string[]
  offline: boolean
  expiresAt: number
  /** Last poll per DC: each DC's accounts server paces its own polls. */
  lastPollAt: Partial<Record<Dc, number>>
  decision: 'pending' | 'approved' | 'denied' | 'used'
  zuid: string | undefined
}

/** A DC's one org, as CRM and Invoice see it, with the records tests create. */
export interface Org {
  id: string
  /** Zoho Invoice numbers its organizations separately from CRM. */
  invoiceOrgId: string
  companyName: string
  leads: Record<string, unknown>[]
  /** Custom fields added through the API, by module (lower-case). */
  customFields: Map<string, Record<string, unknown>[]>
  invoices: Record<string, unknown>[]
  contacts: Record<string, unknown>[]
}

/** How many expired access tokens the state remembers (oldest forgotten first). */
const EXPIRED_MEMORY = 10_000

export interface Session {
  id: string
  zuid: string
}

/** What a user granted an implicit-flow client: the scopes, and whether for the whole session. */
export interface ImplicitGrant {
  scopes: string[]
  /** The consent page's "grant access for the entire session": refresh by redirect needs it. */
  forSession: boolean
}

export class EmulatorState {
  readonly clients = new Map<string, Client>()
  readonly users = new Map<string, User>()
  readonly codes = new Map<string, GrantCode>()
  readonly refreshTokens = new Map<string, RefreshToken>()
  readonly accessTokens = new Map<string, AccessToken>()
  readonly deviceCodes = new Map<string, DeviceCode>()
  readonly sessions = new Map<string, Session>()
  /** What a user granted an implicit-flow client, by `clientId|zuid`. */
  readonly implicitGrants = new Map<string, ImplicitGrant>()
  /**
   * Expired access tokens pruned from the live map, by the DC that issued them: CRM can answer
   * an expired token differently from an unknown one (`expired_token_code`). Bounded.
   */
  readonly expiredAccessTokens = new Map<string, Dc>()

  /** One org per DC, created on first use. */
  readonly orgs = new Map<Dc, Org>()
  /** CRM quota bookkeeping per `dc|client_id`: times of credited calls, requests in flight. */
  readonly apiCreditTimes = new Map<string, number[]>()
  readonly apiInFlight = new Map<string, number>()

  /** Moves an expired access token out of the live map, remembering that it expired. */
  retireAccessToken(token: string): void {
    const at = this.accessTokens.get(token)
    if (!at) return
    this.accessTokens.delete(token)
    this.expiredAccessTokens.set(token, at.dc)
    if (this.expiredAccessTokens.size > EXPIRED_MEMORY) {
      const oldest = this.expiredAccessTokens.keys().next().value
      if (oldest !== undefined) this.expiredAccessTokens.delete(oldest)
    }
  }

  userByEmail(email: string): User | undefined {
    const wanted = email.trim().toLowerCase()
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user
    return undefined
  }

  deviceCodeByUserCode(userCode: string): DeviceCode | undefined {
    const wanted = userCode.replace(/[\s-]/g, '').toUpperCase()
    for (const device of this.deviceCodes.values()) if (device.userCode === wanted) return device
    return undefined
  }

  refreshTokensOf(clientId: string, zuid: string): RefreshToken[] {
    return [...this.refreshTokens.values()]
      .filter((rt) => rt.clientId === clientId && rt.zuid === zuid)
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  /** Deletes a refresh token and every access token minted from it. */
  deleteRefreshToken(token: string): boolean {
    const rt = this.refreshTokens.get(token)
    if (!rt) return false
    for (const at of rt.accessTokens) this.accessTokens.delete(at)
    this.refreshTokens.delete(token)
    return true
  }

  deleteAccessToken(token: string): boolean {
    const at = this.accessTokens.get(token)
    if (!at) return false
    this.accessTokens.delete(token)
    const rt = at.refreshToken ? this.refreshTokens.get(at.refreshToken) : undefined
    if (rt) rt.accessTokens = rt.accessTokens.filter((t) => t !== token)
    return true
  }
}
