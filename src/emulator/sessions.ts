/**
 * The emulated Zoho browser session: a cookie set when a user signs in on the consent page (or via
 * `emulator_login`). `/oauth/v2/auth/refresh` only works while it lives, as at Zoho.
 */
import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { EmulatorContext } from './context.js'
import type { User } from './state.js'

export const SESSION_COOKIE = 'zoho_emulator_session'

/**
 * Signs a user in in this browser. Zoho keeps one signed-in user per browser: whoever was signed in
 * before is signed out, so their refresh by redirect stops working here (docs/zoho-behaviour.md §2).
 */
export function startSession(ctx: EmulatorContext, c: Context, user: User): void {
  const previous = getCookie(c, SESSION_COOKIE)
  if (previous) ctx.state.sessions.delete(previous)
  const id = ctx.random.hex(32)
  ctx.state.sessions.set(id, { id, zuid: user.zuid })
  setCookie(c, SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'Lax' })
}

export function sessionUser(ctx: EmulatorContext, c: Context): User | undefined {
  const id = getCookie(c, SESSION_COOKIE)
  const session = id ? ctx.state.sessions.get(id) : undefined
  return session ? ctx.state.users.get(session.zuid) : undefined
}

/** Ends every session of a user (the user signed out, or Zoho's session timed out). */
export function expireSessions(ctx: EmulatorContext, user: User): number {
  let ended = 0
  for (const [id, session] of ctx.state.sessions) {
    if (session.zuid === user.zuid) {
      ctx.state.sessions.delete(id)
      ended++
    }
  }
  return ended
}
