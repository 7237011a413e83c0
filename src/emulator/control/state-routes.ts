/**
 * Control routes that act on tokens, sessions and device codes: Self Client codes, the token
 * census for tests, ending a user's browser session, and approving a device headlessly.
 */
import type { Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import { decideDevice } from '../device.js'
import { parseScopes } from '../scopes.js'
import { expireSessions } from '../sessions.js'
import { issueGrantCode } from '../tokens.js'
import { got } from '../ranges.js'
import { ControlError, jsonBody, knownFields, optionalString } from './body.js'

// The Self Client console offers these code lifetimes.
const SELF_CLIENT_MINUTES = [3, 5, 7, 10]

export function registerStateRoutes(control: Hono, ctx: EmulatorContext): void {
  control.post('/self-client/code', async (c) => {
    const body = await jsonBody(c)
    knownFields(body, ['client_id', 'scope', 'minutes', 'email'])
    const client = ctx.state.clients.get(String(body.client_id ?? ''))
    if (!client || client.type !== 'self')
      throw new ControlError('"client_id" is not a self client')
    const isScopeList = Array.isArray(body.scope) && body.scope.every((s) => typeof s === 'string')
    if (body.scope !== undefined && typeof body.scope !== 'string' && !isScopeList) {
      throw new ControlError('"scope" must be a comma-separated string or an array of scopes')
    }
    const scopes = parseScopes(body.scope)
    if (scopes.length === 0) throw new ControlError('"scope" is required')
    const minutes = body.minutes ?? 3
    if (typeof minutes !== 'number' || !SELF_CLIENT_MINUTES.includes(minutes)) {
      throw new ControlError(`"minutes" must be one of 3, 5, 7, 10 ${got(minutes)}`)
    }
    const email = optionalString(body, 'email')
    const dc = client.dcs[0] ?? 'us'
    const user =
      email !== undefined
        ? ctx.state.userByEmail(email)
        : [...ctx.state.users.values()].find((u) => u.dc === dc)
    if (!user) throw new ControlError(`no user for the code (pass "email"; none found in ${dc})`)
    // A Self Client code lives in the client's one DC, whoever the user is.
    const code = issueGrantCode(ctx, {
      client,
      zuid: user.zuid,
      dc,
      scopes,
      redirectURI: undefined,
      withRefreshToken: true,
      ttlSeconds: minutes * 60,
      countsAgainstLimit: false,
    })
    return c.json({ code: code.code, expires_in: minutes * 60, dc })
  })

  // Counts only, never the token values: enough for tests to see evictions and limits.
  control.get('/tokens', (c) => {
    const clientId = c.req.query('client_id')
    const now = ctx.clock.now()
    const refreshTokens = [...ctx.state.refreshTokens.values()]
      .filter((rt) => !clientId || rt.clientId === clientId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((rt) => ({
        client_id: rt.clientId,
        zuid: rt.zuid,
        email: ctx.state.users.get(rt.zuid)?.email,
        dc: rt.dc,
        scope: rt.scopes.join(' '),
        created_at: rt.createdAt,
        active_access_tokens: rt.accessTokens.filter((t) => {
          const at = ctx.state.accessTokens.get(t)
          return at !== undefined && at.expiresAt > now
        }).length,
        mints_in_window: rt.mintTimes.filter((t) => now - t < ctx.settings.mint_window * 1000)
          .length,
      }))
    const accessTokens = [...ctx.state.accessTokens.values()].filter(
      (at) => (!clientId || at.clientId === clientId) && at.expiresAt > now,
    ).length
    return c.json({
      refresh_tokens: refreshTokens,
      refresh_token_count: refreshTokens.length,
      access_token_count: accessTokens,
    })
  })

  control.post('/sessions/expire', async (c) => {
    const body = await jsonBody(c)
    knownFields(body, ['email'])
    const email = optionalString(body, 'email')
    const user = email !== undefined ? ctx.state.userByEmail(email) : undefined
    if (!user) throw new ControlError('"email" must name a user')
    return c.json({ expired: expireSessions(ctx, user) })
  })

  // Since 2025 Zoho answers error=no_org for a scope of a product the account has no org of.
  control.post('/users/no-org', async (c) => {
    const body = await jsonBody(c)
    knownFields(body, ['email', 'service'])
    const email = optionalString(body, 'email')
    const user = email !== undefined ? ctx.state.userByEmail(email) : undefined
    if (!user) throw new ControlError('"email" must name a user')
    const service = optionalString(body, 'service')
    if (service === undefined || !/^[A-Za-z][A-Za-z0-9]*$/.test(service)) {
      throw new ControlError('"service" must name a Zoho service, as scopes start (e.g. "ZohoCRM")')
    }
    if (!user.orglessServices.includes(service)) user.orglessServices.push(service)
    return c.json({ email: user.email, orgless_services: user.orglessServices })
  })

  control.post('/device/approve', async (c) => {
    const body = await jsonBody(c)
    knownFields(body, ['user_code', 'email', 'decision'])
    const decision = body.decision ?? 'approve'
    if (decision !== 'approve' && decision !== 'deny') {
      throw new ControlError('"decision" must be "approve" or "deny"')
    }
    const result = decideDevice(ctx, {
      userCode: optionalString(body, 'user_code') ?? '',
      email: optionalString(body, 'email') ?? '',
      decision,
    })
    if (!result.ok) throw new ControlError(result.message)
    return c.json({ status: 'success', decision: result.device.decision })
  })
}
