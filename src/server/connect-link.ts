/**
 * Connect links: a backend asks the broker for one (`POST /api/v1/connect-links`) and hands it
 * to its own end user, who follows it to connect their Zoho account as that connection. A link
 * is HMAC-signed (so its fields cannot be changed), expires in 30 minutes, and works once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { DataCenterLocation } from '../protocol/data-centers.js'
import type { BrokerDeps } from './deps.js'

export const CONNECT_LINK_TTL_MS = 30 * 60_000

export interface ConnectLinkGrant {
  connection: string
  dc?: DataCenterLocation
  scopes?: string[]
  returnTo?: string
}

interface LinkPayload extends ConnectLinkGrant {
  nonce: string
  exp: number
}

function sign(secret: Buffer, encoded: string): Buffer {
  return createHmac('sha256', secret).update(encoded).digest()
}

/** A link for `grant`, as `{url, expiresAt}`; its token rides in `?link=`. */
export function mintConnectLink(
  deps: Pick<BrokerDeps, 'secrets' | 'settings' | 'now'>,
  grant: ConnectLinkGrant,
): { url: string; expiresAt: number } {
  const expiresAt = deps.now() + CONNECT_LINK_TTL_MS
  const payload: LinkPayload = {
    ...grant,
    nonce: randomBytes(16).toString('base64url'),
    exp: expiresAt,
  }
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url')
  const signature = sign(deps.secrets.connectLink[0] as Buffer, encoded).toString('base64url')
  const url = new URL('/connect', deps.settings.publicUrl)
  url.searchParams.set('link', `${encoded}.${signature}`)
  return { url: url.toString(), expiresAt }
}

export type ConnectLinkVerdict =
  | { ok: true; grant: ConnectLinkGrant; nonce: string; expiresAt: number }
  | { ok: false; reason: 'forged' | 'expired' | 'used' }

/**
 * Checks signature, then expiry, then spends the link's nonce in the store (shared by every
 * broker instance), in that order, so a forged or stale link never uses anything up.
 */
export async function redeemConnectLink(
  deps: Pick<BrokerDeps, 'secrets' | 'store' | 'now'>,
  token: string,
): Promise<ConnectLinkVerdict> {
  const [encoded, signature, extra] = token.split('.')
  if (encoded === undefined || signature === undefined || extra !== undefined) {
    return { ok: false, reason: 'forged' }
  }
  const presented = Buffer.from(signature, 'base64url')
  const genuine = deps.secrets.connectLink.some((secret) => {
    const expected = sign(secret, encoded)
    return expected.length === presented.length && timingSafeEqual(expected, presented)
  })
  const payload = genuine ? readPayload(encoded) : undefined
  if (payload === undefined) return { ok: false, reason: 'forged' }
  const now = deps.now()
  if (now >= payload.exp) return { ok: false, reason: 'expired' }
  if (!(await deps.store.consumeOnce(`connect-link:${payload.nonce}`, payload.exp, now))) {
    return { ok: false, reason: 'used' }
  }
  const { nonce, exp, ...grant } = payload
  return { ok: true, grant, nonce, expiresAt: exp }
}

function readPayload(encoded: string): LinkPayload | undefined {
  try {
    const value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown
    if (typeof value !== 'object' || value === null) return undefined
    const { connection, nonce, exp } = value as Record<string, unknown>
    if (typeof connection !== 'string' || typeof nonce !== 'string' || typeof exp !== 'number') {
      return undefined
    }
    return value as LinkPayload
  } catch {
    return undefined
  }
}
