/**
 * The OAuth `state` parameter, signed: whoever starts a login signs a fresh state, and the
 * callback is accepted only with a state this key signed, less than 10 minutes old, seen for the
 * first time. That refuses forged callbacks (login CSRF), stale links and replays. The caller
 * supplies where used states are remembered, so one process (the CLI) can keep them in memory
 * and several broker instances can share them in their database.
 *
 * A state is `base64url(payload).base64url(HMAC-SHA-256(payload))`; the payload is readable by
 * anyone who sees the URL, so `data` must never hold a secret (keep a PKCE verifier in memory).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7
 */
import { CallbackError } from './errors.js'

/**
 * How long a signed state is accepted: as long as a person may reasonably take to sign in.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7
 */
export const STATE_TTL_MS = 10 * 60_000

/**
 * Remembers states already accepted. `consume` must be atomic: it answers `true` only to the
 * first caller for a nonce (a broker backs it with a unique insert). `expiresAt` says how long
 * the nonce must be remembered; after it, the state is refused as expired anyway.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7
 */
export interface ConsumedStates {
  consume(nonce: string, expiresAt: number): boolean | Promise<boolean>
}

/**
 * What an accepted state carried.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 */
export interface VerifiedState {
  nonce: string
  expiresAt: number
  data: string | undefined
}

interface StatePayload {
  n: string
  exp: number
  d?: string
}

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    return Uint8Array.from(binary, (c) => c.charCodeAt(0))
  } catch {
    return undefined
  }
}

/**
 * An HMAC-SHA-256 key for signing states: from `secret` (a broker's configured secret, at least
 * 32 bytes, so every instance accepts every other's states), else 32 random bytes (one process).
 *
 * @see https://www.rfc-editor.org/rfc/rfc2104
 */
export async function createStateKey(secret?: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (secret !== undefined && secret.length < 32) {
    throw new RangeError('A state signing secret needs at least 32 bytes')
  }
  const bytes = secret ?? crypto.getRandomValues(new Uint8Array(32))
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
}

/**
 * A new signed state, valid for `ttlMs` (default 10 minutes) from `now`. `data` rides along in
 * clear, signed (e.g. which connection this login is for) — never a secret.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 */
export async function signState(o: {
  key: CryptoKey
  data?: string
  now?: number
  ttlMs?: number
}): Promise<string> {
  const payload: StatePayload = {
    n: base64url(crypto.getRandomValues(new Uint8Array(16))),
    exp: (o.now ?? Date.now()) + (o.ttlMs ?? STATE_TTL_MS),
    ...(o.data !== undefined ? { d: o.data } : {}),
  }
  const encoded = base64url(new TextEncoder().encode(JSON.stringify(payload)))
  const signature = await crypto.subtle.sign('HMAC', o.key, new TextEncoder().encode(encoded))
  return `${encoded}.${base64url(new Uint8Array(signature))}`
}

function refused(message: string): CallbackError {
  return new CallbackError({
    reason: 'state_mismatch',
    message,
    remedy:
      'Start the login again from this application, in the same browser, and finish it within 10 minutes; an old, reused or forged link cannot be completed.',
  })
}

function readPayload(bytes: Uint8Array): StatePayload | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes))
    if (typeof value !== 'object' || value === null) return undefined
    const { n, exp, d } = value as Record<string, unknown>
    if (typeof n !== 'string' || typeof exp !== 'number') return undefined
    if (d !== undefined && typeof d !== 'string') return undefined
    return { n, exp, ...(d !== undefined ? { d } : {}) }
  } catch {
    return undefined
  }
}

/**
 * Accepts a callback's `state` only if `key` signed it, it has not expired, and `consumed` has
 * not seen it — in that order, so a forged or stale state never uses up a nonce. Throws
 * CallbackError (`state_mismatch`) saying which check failed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 */
export async function verifyState(
  state: string | null | undefined,
  o: { key: CryptoKey; consumed: ConsumedStates; now?: number },
): Promise<VerifiedState> {
  if (!state) throw refused('The callback carries no state')
  const [encoded, signature, extra] = state.split('.')
  const signatureBytes = signature === undefined ? undefined : fromBase64url(signature)
  const valid =
    encoded !== undefined &&
    extra === undefined &&
    signatureBytes !== undefined &&
    // subtle.verify compares in constant time.
    (await crypto.subtle.verify('HMAC', o.key, signatureBytes, new TextEncoder().encode(encoded)))
  const payloadBytes = valid ? fromBase64url(encoded) : undefined
  const payload = payloadBytes === undefined ? undefined : readPayload(payloadBytes)
  if (payload === undefined) {
    throw refused('The callback state was not issued by this login (forged, or from another one)')
  }
  if ((o.now ?? Date.now()) >= payload.exp) {
    throw refused('The callback state has expired: the login was started more than 10 minutes ago')
  }
  if (!(await o.consumed.consume(payload.n, payload.exp))) {
    throw refused('The callback state was already used: a login link completes only once')
  }
  return { nonce: payload.n, expiresAt: payload.exp, data: payload.d }
}

/**
 * ConsumedStates for one process: a map of nonces, pruned of expired ones as it goes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7
 */
export function memoryConsumedStates(now: () => number = Date.now): ConsumedStates {
  const seen = new Map<string, number>()
  return {
    consume(nonce, expiresAt) {
      const at = now()
      for (const [key, until] of seen) if (until <= at) seen.delete(key)
      if (seen.has(nonce)) return false
      seen.set(nonce, expiresAt)
      return true
    },
  }
}
