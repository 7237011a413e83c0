import { describe, expect, it } from 'vitest'
import type { DataCenterLocation } from '../../protocol/data-centers.js'
import { TransportError, ZohoOAuthError } from '../../protocol/errors.js'
import type { DevicePollResult } from '../../protocol/token-endpoint.js'
import type { TokenSet } from '../../protocol/token-response.js'
import { ERR_LOGIN_REFUSED, ERR_LOGIN_TIMEOUT, type LoginError } from './errors.js'
import { pollDeviceUntilApproved } from './device-poll.js'

const TOKENS: TokenSet = {
  accessToken: 'a',
  refreshToken: 'r',
  apiDomain: 'https://www.zohoapis.com',
  tokenType: 'Bearer',
  expiresInSeconds: 3600,
  scopes: undefined,
  idToken: undefined,
}

type Step = DevicePollResult | Error

/** A scripted Zoho and a fake clock: sleeping advances time, each poll takes the next answer. */
function script(steps: Step[], o: { deadlineMs?: number; intervalMs?: number } = {}) {
  let now = 0
  const polls: Array<{ at: number; location: DataCenterLocation }> = []
  const notes: string[] = []
  const run = pollDeviceUntilApproved({
    location: 'us',
    intervalMs: o.intervalMs ?? 30_000,
    deadline: o.deadlineMs ?? 300_000,
    now: () => now,
    sleep: async (ms) => void (now += ms),
    onNote: (text) => void notes.push(text),
    poll: async (location) => {
      polls.push({ at: now, location })
      const step = steps.shift()
      if (step === undefined) throw new Error('polled more often than scripted')
      if (step instanceof Error) throw step
      return step
    },
  })
  return { run, polls, notes }
}

const approved: DevicePollResult = { status: 'approved', tokens: TOKENS }
const pending: DevicePollResult = { status: 'pending' }

describe('pollDeviceUntilApproved', () => {
  it('pollDeviceUntilApproved waits the interval before each poll until approval', async () => {
    const { run, polls } = script([pending, pending, approved])
    await expect(run).resolves.toEqual({ tokens: TOKENS, location: 'us' })
    expect(polls.map((p) => p.at)).toEqual([30_100, 60_200, 90_300])
  })

  it('pollDeviceUntilApproved backs off 5 s for good after slow_down', async () => {
    const { run, polls, notes } = script([{ status: 'slow_down' }, pending, approved])
    await run
    const gaps = polls.map((p, i) => p.at - (polls[i - 1]?.at ?? 0))
    expect(gaps).toEqual([30_100, 35_100, 35_100])
    expect(notes).toEqual(['Zoho asked to poll less often; now every 35 s.'])
  })

  it('pollDeviceUntilApproved follows other_dc at once and returns the DC that approved', async () => {
    const { run, polls, notes } = script([{ status: 'other_dc', location: 'eu' }, approved])
    await expect(run).resolves.toEqual({ tokens: TOKENS, location: 'eu' })
    expect(polls).toEqual([
      { at: 30_100, location: 'us' },
      { at: 30_100, location: 'eu' },
    ])
    expect(notes).toEqual(['The account lives in the eu data centre; polling there.'])
  })

  it('pollDeviceUntilApproved refuses to bounce between DCs for ever', async () => {
    const { run } = script([
      { status: 'other_dc', location: 'eu' },
      { status: 'other_dc', location: 'eu' },
    ])
    await expect(run).rejects.toMatchObject({ code: ERR_LOGIN_REFUSED })
  })

  it('pollDeviceUntilApproved turns access_denied and expired into login errors with remedies', async () => {
    const denied = await script([
      new ZohoOAuthError({ error: 'access_denied', status: 200 }),
    ]).run.catch((e: LoginError) => e)
    expect(denied).toMatchObject({ code: ERR_LOGIN_REFUSED, error: 'access_denied' })
    expect((denied as LoginError).remedy).toContain('`zoho-auth login --device` again')
    const expired = await script([new ZohoOAuthError({ error: 'expired', status: 200 })]).run.catch(
      (e: LoginError) => e,
    )
    expect(expired).toMatchObject({
      code: ERR_LOGIN_TIMEOUT,
      message: 'The device code expired before it was approved',
    })
  })

  it('pollDeviceUntilApproved stops at the deadline without sending a late poll', async () => {
    const { run, polls } = script([pending, pending], { deadlineMs: 65_000 })
    await expect(run).rejects.toMatchObject({ code: ERR_LOGIN_TIMEOUT })
    expect(polls).toHaveLength(2)
  })

  it('pollDeviceUntilApproved rides out two network failures, not three', async () => {
    const down = (): TransportError =>
      new TransportError({ url: 'https://accounts.zoho.com/x', timeout: false })
    await expect(script([down(), down(), approved]).run).resolves.toMatchObject({ location: 'us' })
    await expect(script([down(), down(), down()]).run).rejects.toBeInstanceOf(TransportError)
  })

  it('pollDeviceUntilApproved rethrows other Zoho errors as they are', async () => {
    const error = new ZohoOAuthError({ error: 'invalid_client_secret', status: 200 })
    await expect(script([error]).run).rejects.toBe(error)
  })
})
