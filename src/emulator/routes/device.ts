/**
 * The device flow (OAuth for input-constrained devices): `POST /oauth/v3/device/code`,
 * `POST /oauth/v3/device/token`, and the verification page a person opens to approve.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/devices/device-flow.html
 */
import type { Context, Hono } from 'hono'
import { authenticateClient, clientInDc } from '../clients.js'
import type { EmulatorContext, OAuthFailure } from '../context.js'
import { accountsServer, apiDomain, type Dc } from '../dcs.js'
import { decideDevice } from '../device.js'
import { baseOf, dcOf, fail, oauthError } from '../http.js'
import { readParams } from '../params.js'
import { newToken, newUserCode } from '../random.js'
import { parseScopes } from '../scopes.js'
import type { DeviceCode } from '../state.js'
import { createRefreshToken, mintAccessToken, tokenResponse } from '../tokens.js'
import { devicePage, errorPage } from './html.js'

async function deviceCode(ctx: EmulatorContext, c: Context): Promise<Response> {
  const dc = dcOf(c)
  const read = await readParams(c)
  const params = read.ok ? read.params : {}
  ctx.stats.count('device_code', dc, params.client_id || undefined)
  if (!read.ok) return oauthError(ctx, c, fail('invalid_request'))
  const client = clientInDc(ctx, params.client_id, dc)
  if (!client || client.type !== 'device') return oauthError(ctx, c, fail('invalid_client'))
  if (params.grant_type !== 'device_request') {
    return oauthError(ctx, c, fail('unsupported_grant_type'))
  }
  const scopes = parseScopes(params.scope)
  if (scopes.length === 0) return oauthError(ctx, c, fail('invalid_scope'))
  const device: DeviceCode = {
    deviceCode: newToken(ctx.random),
    userCode: newUserCode(ctx.random),
    clientId: client.clientId,
    dc,
    scopes,
    offline: params.access_type === 'offline',
    expiresAt: ctx.clock.now() + ctx.settings.device_code_ttl * 1000,
    lastPollAt: {},
    decision: 'pending',
    zuid: undefined,
  }
  ctx.state.deviceCodes.set(device.deviceCode, device)
  return c.json({
    user_code: device.userCode,
    device_code: device.deviceCode,
    verification_url: `${accountsServer(baseOf(c), dc)}/oauth/v3/device`,
    expires_in: ctx.settings.device_code_ttl,
    interval: ctx.settings.device_poll_interval,
  })
}

type Outcome = { ok: true; body: Record<string, unknown> } | OAuthFailure

function poll(ctx: EmulatorContext, c: Context, params: Record<string, string>, dc: Dc): Outcome {
  const auth = authenticateClient(ctx, params, dc)
  if (!auth.ok) return auth
  const device = params.code ? ctx.state.deviceCodes.get(params.code) : undefined
  if (!device || device.clientId !== auth.client.clientId || device.decision === 'used') {
    return fail('invalid_code')
  }
  const now = ctx.clock.now()
  if (device.expiresAt <= now) return fail('expired')
  const last = device.lastPollAt[dc]
  device.lastPollAt[dc] = now
  // Polling faster than the interval is answered slow_down (and the poll still counts).
  if (last !== undefined && now - last < ctx.settings.device_poll_interval * 1000) {
    return fail('slow_down')
  }
  if (device.decision === 'pending') return fail('authorization_pending')
  if (device.decision === 'denied') return fail('access_denied')
  const user = device.zuid ? ctx.state.users.get(device.zuid) : undefined
  if (!user) return fail('invalid_code')
  // The approving user lives in another DC: Zoho names it, and the client polls there.
  if (user.dc !== dc) return fail('other_dc', { user_location: user.dc })
  device.decision = 'used'
  const grant = { clientId: device.clientId, zuid: user.zuid, dc, scopes: device.scopes }
  const rt = device.offline ? createRefreshToken(ctx, grant) : undefined
  const at = mintAccessToken(ctx, grant, rt)
  return { ok: true, body: tokenResponse(ctx, apiDomain(baseOf(c), dc), at, rt?.token) }
}

async function deviceToken(ctx: EmulatorContext, c: Context): Promise<Response> {
  const dc = dcOf(c)
  const read = await readParams(c)
  if (!read.ok) {
    ctx.stats.tokenError('invalid_request', dc, undefined)
    return oauthError(ctx, c, fail('invalid_request'))
  }
  const { params } = read
  const clientId = params.client_id || undefined
  if (params.grant_type !== 'device_token') {
    ctx.stats.tokenError('unsupported_grant_type', dc, clientId)
    return oauthError(ctx, c, fail('unsupported_grant_type'))
  }
  ctx.stats.grant('device_token', dc, clientId)
  const outcome = poll(ctx, c, params, dc)
  if (!outcome.ok) {
    ctx.stats.tokenError(outcome.error, dc, clientId)
    return oauthError(ctx, c, outcome)
  }
  return c.json(outcome.body, 200)
}

async function verificationPage(ctx: EmulatorContext, c: Context): Promise<Response> {
  const read = await readParams(c)
  if (!read.ok) return c.html(errorPage('invalid_request', read.problem), 400)
  const { params } = read
  const users = [...ctx.state.users.values()]
  const action = new URL(c.req.url).pathname
  if (c.req.method === 'GET') {
    return c.html(devicePage({ action, users, userCode: params.user_code }))
  }
  const decision = params.decision === 'approve' ? 'approve' : 'deny'
  const result = decideDevice(ctx, {
    userCode: params.user_code ?? '',
    email: params.email ?? '',
    decision,
  })
  const message = result.ok
    ? decision === 'approve'
      ? 'Device approved. You can return to your device.'
      : 'Device denied.'
    : `Could not complete: ${result.message}.`
  return c.html(devicePage({ action, users, message }), result.ok ? 200 : 400)
}

export function registerDeviceRoutes(app: Hono, ctx: EmulatorContext): void {
  app.post('/:dc/accounts/oauth/v3/device/code', (c) => deviceCode(ctx, c))
  app.post('/:dc/accounts/oauth/v3/device/token', (c) => deviceToken(ctx, c))
  app.get('/:dc/accounts/oauth/v3/device', (c) => verificationPage(ctx, c))
  app.post('/:dc/accounts/oauth/v3/device', (c) => verificationPage(ctx, c))
}
