/**
 * The broker-backed browser session: an HttpOnly cookie holding a random id and its HMAC, so
 * only ids this broker issued are accepted. The connections a browser signs in are named
 * `browser-<owner>-<random>`, where `<owner>` is a hash of the session id: the id never appears
 * in the store, the owner needs no table, and a browser reads only connections named after it.
 * `SameSite=None; Secure` over https (an app on another site sends it with `credentials:
 * 'include'`); `Lax` on plain-http loopback, where a browser refuses `None` without `Secure`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { BrokerDeps } from '../deps.js'

export const BROWSER_COOKIE = 'zoho_auth_browser'
/** How long a browser keeps its accounts without signing one in again: 30 days. */
export const BROWSER_SESSION_TTL_S = 30 * 24 * 60 * 60

type SessionDeps = Pick<BrokerDeps, 'secrets' | 'settings'>

function mac(secret: Buffer, sid: string): Buffer {
  return createHmac('sha256', secret).update(`browser-session:${sid}`).digest()
}

/** The owner tag of a session id: what connection ids of that browser start with. */
export function ownerOf(sid: string): string {
  return createHash('sha256')
    .update(`zoho-auth browser owner:${sid}`)
    .digest('base64url')
    .slice(0, 22)
}

/** The prefix of every connection id owned by session `sid`. */
export function ownedPrefix(sid: string): string {
  return `browser-${ownerOf(sid)}-`
}

/** A new connection id owned by `sid`. */
export function newOwnedId(sid: string): string {
  return `${ownedPrefix(sid)}${randomBytes(9).toString('base64url')}`
}

/** The session id the cookie carries, if any secret of the ring signed it; else null. */
export function readBrowserSession(c: Context, deps: SessionDeps): string | null {
  const value = getCookie(c, BROWSER_COOKIE)
  const [sid, signature, extra] = value?.split('.') ?? []
  if (sid === undefined || signature === undefined || extra !== undefined) return null
  const presented = Buffer.from(signature, 'base64url')
  const valid = deps.secrets.session.some((secret) => {
    const expected = mac(secret, sid)
    return expected.length === presented.length && timingSafeEqual(expected, presented)
  })
  return valid ? sid : null
}

/** The request's session, or a new one set as the cookie; either way it lasts 30 days more. */
export function ensureBrowserSession(c: Context, deps: SessionDeps): string {
  const sid = readBrowserSession(c, deps) ?? randomBytes(18).toString('base64url')
  const signature = mac(deps.secrets.session[0] as Buffer, sid).toString('base64url')
  const secure = deps.settings.publicUrl.startsWith('https:')
  setCookie(c, BROWSER_COOKIE, `${sid}.${signature}`, {
    httpOnly: true,
    secure,
    sameSite: secure ? 'None' : 'Lax',
    path: '/browser/v1',
    maxAge: BROWSER_SESSION_TTL_S,
  })
  return sid
}
