import { describe, it, expect } from 'vitest'
import { createEmulator } from './app.js'
import { BASE, control, post, selfClientTokens, tokenURL } from './test-kit.js'

const refreshParams = { grant_type: 'refresh_token', client_id: 'x', client_secret: 'y' }

describe('POST __emulator/faults', () => {
  it('injects a status and body for count requests, then stops', async () => {
    const emulator = createEmulator({ seed: 100 })
    const { id } = await control(emulator, 'faults', {
      path: '/oauth/v2/token',
      status: 503,
      body: '{"error":"busy"}',
      count: 2,
    })
    expect(id).toBe('1')
    for (let i = 0; i < 2; i++) {
      expect(await post(emulator, tokenURL('us'), refreshParams)).toEqual({
        status: 503,
        body: { error: 'busy' },
      })
    }
    expect((await post(emulator, tokenURL('us'), refreshParams)).body).toEqual({
      error: 'invalid_client',
    })
  })

  it('limits a fault to one DC and serves the HTML roadblock with 200', async () => {
    const emulator = createEmulator({ seed: 101 })
    await control(emulator, 'faults', { path: '/oauth/v2/token', dc: 'eu', roadblock: true })
    const response = await emulator.fetch(
      new Request(tokenURL('eu'), { method: 'POST', body: new URLSearchParams(refreshParams) }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect((await post(emulator, tokenURL('us'), refreshParams)).body).toEqual({
      error: 'invalid_client',
    })
  })

  it('drops the connection: in-process fetch rejects like a network failure', async () => {
    const emulator = createEmulator({ seed: 102 })
    await control(emulator, 'faults', { path: '/oauth/v2/token', drop: true })
    await expect(post(emulator, tokenURL('us'), refreshParams)).rejects.toThrow('fetch failed')
  })

  it('adds latency and then answers normally', async () => {
    const emulator = createEmulator({ seed: 103 })
    const { client, tokens } = await selfClientTokens(emulator)
    await control(emulator, 'faults', { path: '/oauth/v2/token', latency_ms: 50, count: 1 })
    const started = performance.now()
    const { body } = await post(emulator, tokenURL('us'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: String(tokens.refresh_token),
    })
    expect(performance.now() - started).toBeGreaterThanOrEqual(45)
    expect(body.access_token).toBeDefined()
  })

  it('lists faults with GET and clears them with DELETE', async () => {
    const emulator = createEmulator({ seed: 104 })
    await control(emulator, 'faults', { path: '/oauth', status: 500, probability: 0.5 })
    const listed = (await control(emulator, 'faults')) as { faults: { path: string }[] }
    expect(listed.faults.map((f) => f.path)).toEqual(['/oauth'])
    await control(emulator, 'faults', undefined, 'DELETE')
    expect(await control(emulator, 'faults')).toEqual({ faults: [] })
    expect(await control(emulator, 'faults', { status: 'x' })).toEqual({
      error: '"status" must be an HTTP status from 200 to 599 (got "x")',
    })
  })

  it('refuses a count that is not a positive integer, a status Response cannot carry, and an unknown dc', async () => {
    const emulator = createEmulator({ seed: 105 })
    for (const [body, error] of [
      [
        { path: '/oauth', status: 500, count: 0 },
        '"count" must be a whole number from 1 to 1000000 (got 0)',
      ],
      [
        { path: '/oauth', status: 500, count: 1.5 },
        '"count" must be a whole number from 1 to 1000000 (got 1.5)',
      ],
      [
        { path: '/oauth', status: 101 },
        '"status" must be an HTTP status from 200 to 599 (got 101)',
      ],
      [
        { path: '/oauth', status: 503.5 },
        '"status" must be an HTTP status from 200 to 599 (got 503.5)',
      ],
      [{ path: '/oauth', status: 500, dc: 'mars' }, 'unknown dc "mars"'],
    ] as const) {
      const response = await emulator.fetch(
        new Request(`${BASE}/__emulator/faults`, { method: 'POST', body: JSON.stringify(body) }),
      )
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({ error })
    }
    expect(await control(emulator, 'faults')).toEqual({ faults: [] })
  })

  it('fires a probability fault on some requests only, and count still caps the hits', async () => {
    const emulator = createEmulator({ seed: 106 })
    await control(emulator, 'faults', {
      path: '/oauth/v2/token',
      status: 503,
      probability: 0.5,
      count: 3,
    })
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) {
      const response = await emulator.fetch(
        new Request(tokenURL('us'), { method: 'POST', body: new URLSearchParams(refreshParams) }),
      )
      await response.text()
      statuses.push(response.status)
    }
    expect(statuses.filter((s) => s === 503)).toHaveLength(3)
    // Some requests before the last hit got through: the probability really skipped them.
    expect(
      statuses.slice(0, statuses.lastIndexOf(503)).filter((s) => s === 200).length,
    ).toBeGreaterThan(0)
    expect(await control(emulator, 'faults')).toEqual({ faults: [] })
  })

  it('POST reset clears faults and numbers new ones from 1 again', async () => {
    const emulator = createEmulator({ seed: 107 })
    await control(emulator, 'faults', { path: '/oauth', status: 500 })
    await control(emulator, 'faults', { path: '/oauth', status: 500 })
    await control(emulator, 'reset', {})
    expect(await control(emulator, 'faults')).toEqual({ faults: [] })
    expect(await control(emulator, 'faults', { path: '/oauth', status: 500 })).toEqual({ id: '1' })
  })
})
