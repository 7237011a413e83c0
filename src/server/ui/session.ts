/**
 * The UI's signed-in admin: an HttpOnly, SameSite=Lax cookie holding a signed, expiring session
 * (`base64url(payload).base64url(HMAC)`), so any broker instance that shares the key ring accepts
 * it and no session table is needed. The signing key is bound to the admin token as well, so
 * changing ZOHO_AUTH_ADMIN_TOKEN signs every session out.
 *
 * CSRF: each session has a random id; a form's token is an HMAC of that id, so a page of another
 * site can neither read nor compute it, and a token from one session fails in any other.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Caller } from '../auth.js'
import type { BrokerDeps } from '../deps.js'

export const SESSION_COOKIE = 'zoho_auth_session'
/** How long a sign-in lasts: a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60_000

export interface UiSession {
  /** Random per sign-in; the CSRF token is derived from it. */
  id: string
  expiresAt: number
}

type SessionDeps = Pick<BrokerDeps, 'secrets' | 'settings' | 'now'>

function keysOf(deps: SessionDeps): Buffer[] {
  return deps.secrets.session.map((secret) =>
    createHmac('sha256', secret).update(`session:${deps.settings.adminToken}`).digest(),
  )
}

function mac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest()
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A new session's cookie value. */
export function signSession(deps: SessionDeps): { value: string; session: UiSession } {
  const session: UiSession = {
    id: randomBytes(16).toString('base64url'),
    expiresAt: deps.now() + SESSION_TTL_MS,
  }
  const encoded = Buffer.from(JSON.stringify({ sid: session.id, exp: session.expiresAt })).toString(
    'base64url',
  )
  const signature = mac(keysOf(deps)[0] as Buffer, encoded).toString('base64url')
  return { value: `${encoded}.${signature}`, session }
}

/** The session a cookie value carries, if a current key signed it and it has not expired. */
export function verifySession(deps: SessionDeps, value: string | undefined): UiSession | null {
  if (value === undefined) return null
  const [encoded, signature, extra] = value.split('.')
  if (encoded === undefined || signature === undefined || extra !== undefined) return null
  const presented = Buffer.from(signature, 'base64url')
  if (!keysOf(deps).some((key) => sameBytes(mac(key, encoded), presented))) return null
  try {
    const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown
    if (typeof payload !== 'object' || payload === null) return null
    const { sid, exp } = payload as Record<string, unknown>
    if (typeof sid !== 'string' || typeof exp !== 'number') return null
    return deps.now() < exp ? { id: sid, expiresAt: exp } : null
  } catch {
    return null
  }
}

/** The signed-in session of this request, or null. */
export function readSession(c: Context, deps: SessionDeps): UiSession | null {
  return verifySession(deps, getCookie(c, SESSION_COOKIE))
}

/** Who the session cookie says is calling: the admin, or nobody. */
export async function sessionCaller(c: Context, deps: BrokerDeps): Promise<Caller | null> {
  return readSession(c, deps) === null ? null : { kind: 'admin' }
}

/** Signs in: sets the cookie (Secure when the broker is served over https). */
export function startSession(c: Context, deps: SessionDeps): UiSession {
  const { value, session } = signSession(deps)
  setCookie(c, SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: deps.settings.publicUrl.startsWith('https:'),
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  })
  return session
}

/** Signs out: the cookie is cleared (a copied value still works until it expires). */
export function endSession(c: Context, deps: SessionDeps): void {
  deleteCookie(c, SESSION_COOKIE, {
    path: '/',
    secure: deps.settings.publicUrl.startsWith('https:'),
  })
}

/** The CSRF token for forms of `session`. */
export function csrfToken(deps: SessionDeps, session: UiSession): string {
  return mac(keysOf(deps)[0] as Buffer, `csrf:${session.id}`).toString('base64url')
}

/** True when `presented` is this session's CSRF token (under any current key). */
export function isCsrfToken(
  deps: SessionDeps,
  session: UiSession,
  presented: string | undefined,
): boolean {
  if (presented === undefined || presented === '') return false
  const bytes = Buffer.from(presented, 'base64url')
  return keysOf(deps).some((key) => sameBytes(mac(key, `csrf:${session.id}`), bytes))
}
