/**
 * New connections: exchange a code (or validate an imported refresh token), find out which Zoho
 * user granted it, store it, and warn when Zoho's 20-refresh-token limit evicts an older one.
 */
import {
  checkGrantCode,
  checkRefreshToken,
  exchangeAuthorizationCode,
  fetchUserInfo,
  refreshAccessToken,
  ZohoOAuthError,
} from '../protocol/index.js'
import { requestJSON } from '../protocol/http.js'
import type { DataCenter, DataCenterLocation, TokenSet } from '../protocol/index.js'
import type { Connection, NewConnection } from '../stores/store.js'
import { canReadCRMUser, canReadUserInfo, evictedConnections } from './connection.js'
import type { ManagerContext } from './context.js'
import { NoRefreshTokenError, TokenThrottledError, UnknownDataCenterError } from './errors.js'
import { ConnectionExistsError } from '../stores/errors.js'
import { mintedNothing } from './failures.js'
import type { OAuthClient } from './types.js'

export interface CreateFromCodeInput {
  id: string
  code: string
  dc?: DataCenterLocation
  redirectURI?: string
  codeVerifier?: string
  clientId?: string
  replace?: boolean
}

export interface ImportRefreshTokenInput {
  id: string
  refreshToken: string
  dc?: DataCenterLocation
  clientId?: string
  replace?: boolean
}

interface Grant {
  client: OAuthClient
  dataCenter: DataCenter
  clientSecret: string
}

async function prepare(
  ctx: ManagerContext,
  input: { id: string; dc?: DataCenterLocation; clientId?: string; replace?: boolean },
): Promise<Grant> {
  const location = input.dc ?? 'us'
  const dataCenter = ctx.dataCenters.byLocation(location)
  if (dataCenter === undefined) throw new UnknownDataCenterError(location)
  // Checked before spending the code: a code is single-use and counts against the grant limit.
  if (input.replace !== true && (await ctx.store.get(input.id)) !== null) {
    throw new ConnectionExistsError(input.id)
  }
  const client = await ctx.client(input.clientId)
  return {
    client,
    dataCenter,
    clientSecret: client.dcSecrets?.[dataCenter.location] ?? client.clientSecret,
  }
}

export async function createFromCode(
  ctx: ManagerContext,
  input: CreateFromCodeInput,
): Promise<Connection> {
  // A pasted code with quotes or cut short fails here, not as a puzzling invalid_code from Zoho.
  const code = checkGrantCode(input.code)
  const grant = await prepare(ctx, input)
  const sentAt = ctx.now()
  const tokens = await exchangeAuthorizationCode(
    {
      accountsServer: grant.dataCenter.accountsServer,
      clientId: grant.client.clientId,
      clientSecret: grant.clientSecret,
      code,
      ...(input.redirectURI !== undefined ? { redirectURI: input.redirectURI } : {}),
      ...(input.codeVerifier !== undefined ? { codeVerifier: input.codeVerifier } : {}),
    },
    ctx.request,
  )
  if (tokens.refreshToken === undefined || tokens.refreshToken === '')
    throw new NoRefreshTokenError()
  // The code exchange's access token is one of the refresh token's 10 mints (our emulator's rule).
  await ctx.budget.record(tokens.refreshToken, sentAt)
  return store(ctx, input, grant, tokens, tokens.refreshToken, sentAt)
}

export async function importRefreshToken(
  ctx: ManagerContext,
  input: ImportRefreshTokenInput,
): Promise<Connection> {
  // A pasted token with quotes, a `Bearer ` prefix or cut short fails before any request.
  const refreshToken = checkRefreshToken(input.refreshToken)
  const grant = await prepare(ctx, input)
  const sentAt = ctx.now()
  // The token may already be in use here (or under another id): never send what Zoho throttles.
  const decision = await ctx.budget.check(refreshToken, sentAt, 'foreground')
  if (!decision.allowed) {
    throw new TokenThrottledError({ connectionId: input.id, retryAt: decision.retryAt })
  }
  // Validated now with one refresh (a mint, counted first) so a bad token fails here, not later.
  await ctx.budget.record(refreshToken, sentAt)
  let tokens: TokenSet
  try {
    tokens = await refreshAccessToken(
      {
        accountsServer: grant.dataCenter.accountsServer,
        clientId: grant.client.clientId,
        clientSecret: grant.clientSecret,
        refreshToken,
      },
      ctx.request,
    )
  } catch (error) {
    if (mintedNothing(error)) await ctx.budget.forget(refreshToken, sentAt)
    // An access token or grant code looks exactly like a refresh token; say so.
    if (error instanceof ZohoOAuthError && error.error === 'invalid_code') {
      checkRefreshToken(refreshToken, { rejectedByZoho: true })
    }
    throw error
  }
  return store(ctx, input, grant, tokens, refreshToken, sentAt)
}

async function store(
  ctx: ManagerContext,
  input: { id: string; replace?: boolean },
  grant: Grant,
  tokens: TokenSet,
  refreshToken: string,
  sentAt: number,
): Promise<Connection> {
  const scopes = tokens.scopes ?? []
  const user = await findUser(ctx, grant.dataCenter, tokens, scopes)
  const lifetimeMs = tokens.expiresInSeconds * 1000
  ctx.warnAboutLifetime(input.id, tokens.lifetimeWarning)
  const fields: NewConnection = {
    id: input.id,
    clientId: grant.client.clientId,
    dc: grant.dataCenter.location,
    accountsServer: grant.dataCenter.accountsServer,
    // The answer's api_domain is not trusted: the DC's is stored.
    apiDomain: ctx.trustedApiDomain(
      input.id,
      grant.dataCenter,
      tokens.untrustedApiDomain ?? tokens.apiDomain,
    ),
    scopes,
    zuid: user?.zuid ?? null,
    email: user?.email ?? null,
    refreshToken,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: sentAt + lifetimeMs,
    status: 'active',
    lastError: null,
    evicted: false,
  }
  // Replaced in place, never deleted and re-created: the row is never missing, and its version
  // keeps rising, so a refresh of the old grant still in flight loses its compare-and-set.
  const connection =
    (input.replace === true ? await replaceInPlace(ctx, fields) : null) ??
    (await ctx.store.create(fields, ctx.now()))
  ctx.cache.forget(input.id)
  ctx.evictionWarned.delete(input.id)
  ctx.cache.remember(
    Object.freeze({
      connectionId: connection.id,
      accessToken: tokens.accessToken,
      apiDomain: connection.apiDomain,
      expiresAt: sentAt + lifetimeMs,
    }),
    lifetimeMs,
  )
  const evicts = await warnEvictions(ctx, connection)
  ctx.events.emit({
    type: 'created',
    connectionId: connection.id,
    ...(evicts.length > 0 ? { evicts } : {}),
  })
  return connection
}

/** Writes a new grant over the stored connection `fields.id`; null if there is none. */
async function replaceInPlace(
  ctx: ManagerContext,
  fields: NewConnection,
): Promise<Connection | null> {
  const { id, ...patch } = fields
  for (;;) {
    const current = await ctx.store.get(id)
    if (current === null) return null
    const written = await ctx.store.update(id, patch, current.version, ctx.now())
    if (written !== null) return written
  }
}

/** Zoho keeps 20 refresh tokens per user per client; the 21st grant silently deletes the oldest. */
async function warnEvictions(ctx: ManagerContext, created: Connection): Promise<string[]> {
  if (created.zuid === null) return []
  // Revoked and re-auth grants no longer hold one of Zoho's 20 slots.
  // Best effort: the grant is stored; a row elsewhere that cannot be decrypted must not fail it.
  const all = await ctx.store.list().catch((): Connection[] => [])
  // The new grant is the newest, also when it replaced a connection created long ago.
  const holding = all.filter((c) => c.status === 'active' && c.id !== created.id)
  holding.push({ ...created, createdAt: Number.POSITIVE_INFINITY })
  const evicted = evictedConnections(created, holding, ctx.maxRefreshTokens)
  for (const connection of evicted) {
    ctx.evictionWarned.add(connection.id)
    ctx.events.emit({
      type: 'warning',
      connectionId: connection.id,
      message: `Zoho evicted the refresh token of "${connection.id}": ${created.email ?? created.zuid} granted this client ${ctx.maxRefreshTokens} newer ones (the newest is "${created.id}"); grant access again for "${connection.id}" if it is still needed.`,
    })
  }
  return evicted.map((c) => c.id)
}

interface FoundUser {
  zuid: string | null
  email: string | null
}

/**
 * Who granted this: /oauth/user/info with a profile scope, else CRM's current user. Never fails
 * the creation: the code is already spent, and a connection without a known user still works.
 */
async function findUser(
  ctx: ManagerContext,
  dataCenter: DataCenter,
  tokens: TokenSet,
  scopes: readonly string[],
): Promise<FoundUser | null> {
  const unknown = scopes.length === 0
  if (unknown || canReadUserInfo(scopes)) {
    const user = await fetchUserInfo(
      { accountsServer: dataCenter.accountsServer, accessToken: tokens.accessToken },
      ctx.request,
    ).catch(() => null)
    if (user !== null) return { zuid: user.zuid, email: user.email }
  }
  if (unknown || canReadCRMUser(scopes)) {
    const user = await fetchCRMCurrentUser(ctx, dataCenter, tokens).catch(() => null)
    if (user !== null) return user
  }
  return null
}

/** GET {apiDomain}/crm/v8/users?type=CurrentUser, sent only to the DC's API host of the table. */
async function fetchCRMCurrentUser(
  ctx: ManagerContext,
  dataCenter: DataCenter,
  tokens: TokenSet,
): Promise<FoundUser | null> {
  const body = await requestJSON(
    {
      method: 'GET',
      url: `${dataCenter.apiDomain.replace(/\/+$/, '')}/crm/v8/users?type=CurrentUser`,
      headers: { authorization: `Zoho-oauthtoken ${tokens.accessToken}` },
      operation: 'CRM current user',
    },
    ctx.request,
  )
  const users = body.users
  const user: unknown = Array.isArray(users) ? users[0] : undefined
  if (typeof user !== 'object' || user === null) return null
  const rawZUID = 'zuid' in user ? user.zuid : undefined
  const zuid =
    typeof rawZUID === 'string' ? rawZUID : typeof rawZUID === 'number' ? String(rawZUID) : null
  const email = 'email' in user && typeof user.email === 'string' ? user.email : null
  return zuid === null && email === null ? null : { zuid, email }
}
