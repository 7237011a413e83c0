/**
 * The UI's signed-in admin: an HttpOnly, SameSite cookie session. Placeholder until the UI work
 * lands; `/connect` asks it who is signed in.
 */
import type { Context } from 'hono'
import type { Caller } from '../auth.js'
import type { BrokerDeps } from '../deps.js'

export async function sessionCaller(_c: Context, _deps: BrokerDeps): Promise<Caller | null> {
  return null
}
