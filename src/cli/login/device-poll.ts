/**
 * Polling the device token endpoint until the person approves (docs/zoho-behaviour.md §2, §4):
 * wait the interval Zoho gave between polls, back off on `slow_down`, follow `other_dc` to the
 * data centre where the account lives, stop at the deadline. Transport is injected so every
 * branch is tested without waiting 30 seconds a poll.
 */
import type { DataCenterLocation } from '../../protocol/data-centers.js'
import { TransportError, ZohoOAuthError } from '../../protocol/errors.js'
import type { DevicePollResult } from '../../protocol/token-endpoint.js'
import type { TokenSet } from '../../protocol/token-response.js'
import { ERR_LOGIN_REFUSED, ERR_LOGIN_TIMEOUT, LoginError } from './errors.js'

// RFC 8628 §3.5: after slow_down, poll 5 seconds less often, for good.
const SLOW_DOWN_STEP_MS = 5_000
// Timers may fire a hair early by the server's clock; a poll one millisecond early is slow_down.
const POLL_MARGIN_MS = 100
// A network failure during a five-minute wait should not end the login; three in a row do.
const MAX_TRANSPORT_FAILURES = 3
// other_dc names the account's DC once; being sent on again and again is a loop, not a login.
const MAX_DC_HOPS = 2

export interface DevicePollOptions {
  location: DataCenterLocation
  intervalMs: number
  /** Epoch ms; no poll is sent after it. */
  deadline: number
  poll(location: DataCenterLocation): Promise<DevicePollResult>
  sleep(ms: number): Promise<void>
  now(): number
  onNote?(text: string): void
}

function timedOut(): LoginError {
  return new LoginError(
    ERR_LOGIN_TIMEOUT,
    'The device code was not approved in time; nothing was stored',
    {
      remedy:
        'Run `zoho-auth login --device` again and enter the new code at the verification URL within 5 minutes.',
    },
  )
}

function refusal(error: ZohoOAuthError): LoginError {
  if (error.error === 'expired') {
    return new LoginError(ERR_LOGIN_TIMEOUT, 'The device code expired before it was approved', {
      remedy:
        'Run `zoho-auth login --device` again and enter the new code within 5 minutes of it being shown.',
      error: error.error,
      cause: error,
    })
  }
  return new LoginError(
    ERR_LOGIN_REFUSED,
    'The device code was denied at Zoho; nothing was stored',
    {
      remedy:
        'Run `zoho-auth login --device` again and choose Approve on the verification page (signed in as the Zoho user who should be connected).',
      error: error.error,
      cause: error,
    },
  )
}

export async function pollDeviceUntilApproved(
  o: DevicePollOptions,
): Promise<{ tokens: TokenSet; location: DataCenterLocation }> {
  let location = o.location
  let intervalMs = Math.max(o.intervalMs, 1_000)
  let transportFailures = 0
  let hops = 0
  let waitFirst = true
  for (;;) {
    if (waitFirst) {
      if (o.now() + intervalMs > o.deadline) throw timedOut()
      await o.sleep(intervalMs + POLL_MARGIN_MS)
    }
    waitFirst = true
    let result: DevicePollResult
    try {
      result = await o.poll(location)
      transportFailures = 0
    } catch (error) {
      if (error instanceof ZohoOAuthError && ['access_denied', 'expired'].includes(error.error)) {
        throw refusal(error)
      }
      if (error instanceof TransportError && ++transportFailures < MAX_TRANSPORT_FAILURES) continue
      throw error
    }
    switch (result.status) {
      case 'approved':
        return { tokens: result.tokens, location }
      case 'pending':
        break
      case 'slow_down':
        intervalMs += SLOW_DOWN_STEP_MS
        o.onNote?.(`Zoho asked to poll less often; now every ${Math.round(intervalMs / 1000)} s.`)
        break
      case 'other_dc':
        if (result.location === location || ++hops > MAX_DC_HOPS) {
          throw new LoginError(
            ERR_LOGIN_REFUSED,
            `Zoho keeps redirecting the device poll between data centres (now to ${result.location})`,
            {
              remedy:
                'Run `zoho-auth login --device --dc DC` with the data centre of your Zoho account.',
            },
          )
        }
        o.onNote?.(`The account lives in the ${result.location} data centre; polling there.`)
        location = result.location
        // That DC has not been polled yet: ask at once.
        waitFirst = false
        break
    }
  }
}
