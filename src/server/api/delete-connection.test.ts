import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, type BrokerHarness, type Json } from '../test-support.js'
import { expectError, revokeAtZoho, revokeCalls, selfClient, send } from './test-kit.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

async function liveRefreshTokens(): Promise<number> {
  return Number((await harness.control('tokens')).refresh_token_count)
}

describe('DELETE /api/v1/connections/:id', () => {
  it('revokes the grant at Zoho, then deletes the connection', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    expect(await liveRefreshTokens()).toBe(1)
    const response = await send(harness, 'DELETE', '/api/v1/connections/acme')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      deleted: true,
      revoked: true,
      message: 'Revoked "acme" at Zoho and deleted it.',
    })
    expect(await revokeCalls(harness)).toBe(1)
    expect(await liveRefreshTokens()).toBe(0)
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('keeps the connection and answers 502 ERR_REVOKE_FAILED when Zoho refuses, offering force=true', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    await harness.control('faults', { path: '/oauth/v2/token/revoke', status: 500 })
    const error = await expectError(
      await send(harness, 'DELETE', '/api/v1/connections/acme'),
      502,
      'ERR_REVOKE_FAILED',
    )
    expect(error.message).toContain('"acme" was not deleted')
    expect(error.remedy).toContain('20 refresh tokens per user and client')
    expect(error.remedy).toContain('DELETE /api/v1/connections/acme?force=true')
    const kept = await harness.deps.store.get('acme')
    expect(kept?.status).toBe('active')
    expect(await liveRefreshTokens()).toBe(1)
  })

  it('?force=true deletes without revoking and says the grant stays live at Zoho', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const response = await send(harness, 'DELETE', '/api/v1/connections/acme?force=true')
    const body = (await response.json()) as Json
    expect([response.status, body.deleted, body.revoked]).toEqual([200, true, false])
    expect(body.message).toContain('without revoking it at Zoho (force=true)')
    expect(body.message).toContain('counts against the 20 refresh tokens per user and client')
    expect(await revokeCalls(harness)).toBe(0)
    expect(await liveRefreshTokens()).toBe(1)
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('deletes a connection that needs re-authorisation without a revoke call', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    await revokeAtZoho(harness, (await harness.deps.store.get('acme'))?.refreshToken ?? '')
    await expectError(
      await send(harness, 'POST', '/api/v1/connections/acme/refresh'),
      409,
      'ERR_NEEDS_REAUTH',
    )
    expect((await harness.deps.store.get('acme'))?.status).toBe('needs_reauth')
    const before = await revokeCalls(harness)
    const body = (await (await send(harness, 'DELETE', '/api/v1/connections/acme')).json()) as Json
    expect([body.deleted, body.revoked]).toEqual([true, false])
    expect(body.message).toContain('nothing to revoke')
    expect(await revokeCalls(harness)).toBe(before)
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('deletes a revoked connection without revoking it again', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    await harness.deps.manager.revoke('acme')
    const body = (await (await send(harness, 'DELETE', '/api/v1/connections/acme')).json()) as Json
    expect([body.deleted, body.revoked]).toEqual([true, true])
    expect(await revokeCalls(harness)).toBe(1)
  })

  it('deletes nothing when the connection was granted again while its revoke was in flight', async () => {
    harness = await brokerHarness()
    const other = await selfClient(harness)
    const grant = { client_id: other.clientId, client_secret: other.clientSecret }
    await send(harness, 'POST', '/api/v1/connections', {
      id: 'acme',
      code: await other.code(),
      ...grant,
    })
    // Hold the revoke request at the emulator until the re-grant has landed.
    const realFetch = harness.emulator.fetch.bind(harness.emulator)
    let revokeArrived: () => void = () => undefined
    const arrived = new Promise<void>((resolve) => (revokeArrived = resolve))
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => (release = resolve))
    harness.emulator.fetch = async (request: Request) => {
      if (new URL(request.url).pathname.endsWith('/oauth/v2/token/revoke')) {
        revokeArrived()
        await released
      }
      return realFetch(request)
    }
    const deleting = send(harness, 'DELETE', '/api/v1/connections/acme')
    await arrived
    const regrant = await send(harness, 'POST', '/api/v1/connections', {
      id: 'acme',
      code: await other.code(),
      replace: true,
      ...grant,
    })
    expect(regrant.status).toBe(201)
    const newRefreshToken = (await harness.deps.store.get('acme'))?.refreshToken
    release()
    await expectError(await deleting, 409, 'ERR_CONNECTION_REGRANTED')
    const kept = await harness.deps.store.get('acme')
    expect([kept?.status, kept?.refreshToken]).toEqual(['active', newRefreshToken])
  })

  it('answers 404 ERR_CONNECTION_NOT_FOUND for an unknown id, with or without force', async () => {
    harness = await brokerHarness()
    for (const path of ['/api/v1/connections/nobody', '/api/v1/connections/nobody?force=true']) {
      await expectError(await send(harness, 'DELETE', path), 404, 'ERR_CONNECTION_NOT_FOUND')
    }
  })
})
