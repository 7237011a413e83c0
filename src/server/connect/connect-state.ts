/**
 * The `state` of a broker connect flow: signed with the state secret (`src/protocol/state.ts`),
 * single-use through `store.consumeOnce` (so a callback replayed against another instance is
 * refused too), and carrying what the callback needs — the connection id, the DC the flow
 * started in, where to send the person afterwards, and the PKCE verifier, sealed.
 */
import type { DataCenterLocation } from '../../protocol/data-centers.js'
import { CallbackError } from '../../protocol/errors.js'
import { createStateKey, signState, verifyState } from '../../protocol/state.js'
import type { BrokerDeps } from '../deps.js'
import { openVerifier, sealVerifier } from './sealed-verifier.js'

/** What a callback learns from an accepted state. */
export interface ConnectState {
  connection: string
  dc: DataCenterLocation
  returnTo: string | undefined
  verifier: string
}

type StateDeps = Pick<BrokerDeps, 'secrets' | 'store' | 'now'>

const keyCache = new WeakMap<Buffer, Promise<CryptoKey>>()

function stateKey(secret: Buffer): Promise<CryptoKey> {
  let key = keyCache.get(secret)
  if (key === undefined) {
    key = createStateKey(new Uint8Array(secret))
    keyCache.set(secret, key)
  }
  return key
}

/** A fresh signed state for one connect flow. */
export async function signConnectState(deps: StateDeps, state: ConnectState): Promise<string> {
  const primary = deps.secrets.state[0] as Buffer
  const data = JSON.stringify({
    c: state.connection,
    dc: state.dc,
    ...(state.returnTo === undefined ? {} : { r: state.returnTo }),
    v: sealVerifier(primary, state.verifier),
  })
  return signState({ key: await stateKey(primary), data, now: deps.now() })
}

function unreadable(): CallbackError {
  return new CallbackError({
    reason: 'state_mismatch',
    message: 'The callback state cannot be read by this broker',
    remedy:
      'Start connecting again from the broker; if it repeats, every broker instance must share one encryption key ring.',
  })
}

/**
 * Accepts the state only if a current key signed it, it is under 10 minutes old, and no broker
 * instance has accepted it before; throws CallbackError (`state_mismatch`) otherwise.
 */
export async function verifyConnectState(
  deps: StateDeps,
  state: string | null | undefined,
): Promise<ConnectState> {
  const consumed = {
    consume: (nonce: string, expiresAt: number) =>
      deps.store.consumeOnce(`oauth-state:${nonce}`, expiresAt, deps.now()),
  }
  const secrets = deps.secrets.state
  let data: string | undefined
  for (const [index, secret] of secrets.entries()) {
    try {
      const verified = await verifyState(state, {
        key: await stateKey(secret),
        consumed,
        now: deps.now(),
      })
      data = verified.data
      break
    } catch (error) {
      // Signed under an older key of the ring (rotated within the last 10 minutes): try it.
      const forged = error instanceof CallbackError && /was not issued/.test(error.message)
      if (!forged || index === secrets.length - 1) throw error
    }
  }
  return readData(deps, data)
}

function readData(deps: StateDeps, data: string | undefined): ConnectState {
  if (data === undefined) throw unreadable()
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    throw unreadable()
  }
  if (typeof value !== 'object' || value === null) throw unreadable()
  const { c, dc, r, v } = value as Record<string, unknown>
  if (typeof c !== 'string' || typeof dc !== 'string' || typeof v !== 'string') throw unreadable()
  if (r !== undefined && typeof r !== 'string') throw unreadable()
  const verifier = openVerifier(deps.secrets.state, v)
  if (verifier === null) throw unreadable()
  return { connection: c, dc: dc as DataCenterLocation, returnTo: r, verifier }
}
