import { describe, expect, it } from 'vitest'
import { ERR_OAUTH_CALLBACK, type CallbackError } from './errors.js'
import {
  STATE_TTL_MS,
  createStateKey,
  memoryConsumedStates,
  signState,
  verifyState,
  type ConsumedStates,
} from './state.js'

async function refusal(promise: Promise<unknown>): Promise<CallbackError> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as CallbackError | undefined
  if (error === undefined) throw new Error('expected a refusal')
  return error
}

describe('signState / verifyState', () => {
  it('verifyState accepts a fresh state once and returns its data', async () => {
    const key = await createStateKey()
    const consumed = memoryConsumedStates()
    const state = await signState({ key, data: 'connection:crm', now: 1_000 })
    const verified = await verifyState(state, { key, consumed, now: 2_000 })
    expect(verified).toMatchObject({ data: 'connection:crm', expiresAt: 1_000 + STATE_TTL_MS })
    expect(state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  })

  it('verifyState refuses a replay of an accepted state', async () => {
    const key = await createStateKey()
    const consumed = memoryConsumedStates()
    const state = await signState({ key })
    await verifyState(state, { key, consumed })
    const error = await refusal(verifyState(state, { key, consumed }))
    expect(error.code).toBe(ERR_OAUTH_CALLBACK)
    expect(error.reason).toBe('state_mismatch')
    expect(error.message).toBe(
      'The callback state was already used: a login link completes only once',
    )
  })

  it('verifyState refuses a state older than 10 minutes, without using up its nonce', async () => {
    const key = await createStateKey()
    const calls: string[] = []
    const consumed: ConsumedStates = { consume: (nonce) => (calls.push(nonce), true) }
    const state = await signState({ key, now: 0 })
    const error = await refusal(verifyState(state, { key, consumed, now: STATE_TTL_MS }))
    expect(error.message).toContain('has expired')
    expect(calls).toEqual([])
    await verifyState(state, { key, consumed, now: STATE_TTL_MS - 1 })
    expect(calls).toHaveLength(1)
  })

  it('verifyState refuses forged, tampered, foreign-key and missing states alike', async () => {
    const key = await createStateKey()
    const consumed = memoryConsumedStates()
    const state = await signState({ key, data: 'a' })
    const [payload, signature] = state.split('.') as [string, string]
    const tampered = `${Buffer.from(JSON.stringify({ n: 'x', exp: Date.now() + 60_000, d: 'b' })).toString('base64url')}.${signature}`
    const foreign = await signState({ key: await createStateKey(), data: 'a' })
    for (const forged of [
      tampered,
      foreign,
      `${payload}.`,
      `${payload}.${signature}.extra`,
      'not-a-state',
      '%%%.%%%',
    ]) {
      const error = await refusal(verifyState(forged, { key, consumed }))
      expect(error.message).toBe(
        'The callback state was not issued by this login (forged, or from another one)',
      )
    }
    for (const missing of [undefined, null, '']) {
      expect((await refusal(verifyState(missing, { key, consumed }))).message).toBe(
        'The callback carries no state',
      )
    }
    // None of the refusals spent the genuine state.
    await expect(verifyState(state, { key, consumed })).resolves.toMatchObject({ data: 'a' })
  })

  it('createStateKey from a shared secret: two instances accept each other’s states', async () => {
    const secret = new Uint8Array(32).fill(9)
    const a = await createStateKey(secret)
    const b = await createStateKey(secret)
    const state = await signState({ key: a })
    await expect(verifyState(state, { key: b, consumed: memoryConsumedStates() })).resolves.toEqual(
      expect.objectContaining({ data: undefined }),
    )
    await expect(createStateKey(new Uint8Array(16))).rejects.toThrow(/at least 32 bytes/)
  })

  it('memoryConsumedStates forgets nonces once they have expired', async () => {
    let now = 0
    const consumed = memoryConsumedStates(() => now)
    expect(consumed.consume('n', 10)).toBe(true)
    expect(consumed.consume('n', 10)).toBe(false)
    now = 10
    expect(consumed.consume('n', 20)).toBe(true)
  })
})
