/**
 * `GET /oauth/user/info` and `GET /oauth/serverinfo`.
 */
import type { Hono } from 'hono'
import { authenticate } from '../bearer.js'
import type { EmulatorContext } from '../context.js'
import { DCS, accountsServer } from '../dcs.js'
import { baseOf, dcOf } from '../http.js'
import { hasScope } from '../scopes.js'

export function registerInfoRoutes(app: Hono, ctx: EmulatorContext): void {
  // Error bodies here are inferred (Zoho documents none): 401 with a flat error code.
  app.get('/:dc/accounts/oauth/user/info', (c) => {
    const dc = dcOf(c)
    const at = authenticate(ctx, c, dc, ['Zoho-oauthtoken', 'Bearer'])
    ctx.stats.count('user_info', dc, at?.clientId)
    if (!at) return c.json({ error: 'invalid_oauthtoken' }, 401)
    if (!hasScope(at.scopes, 'AaaServer.profile.READ')) {
      return c.json({ error: 'invalid_oauthscope' }, 401)
    }
    const user = at.zuid ? ctx.state.users.get(at.zuid) : undefined
    if (!user) return c.json({ error: 'invalid_oauthtoken' }, 401)
    return c.json({
      First_Name: user.firstName,
      Email: user.email,
      Last_Name: user.lastName,
      Display_Name: `${user.firstName} ${user.lastName}`,
      ZUID: Number(user.zuid),
    })
  })

  // Shape inferred: every DC's accounts server by location.
  app.get('/:dc/accounts/oauth/serverinfo', (c) => {
    const base = baseOf(c)
    return c.json({
      result: 'success',
      locations: Object.fromEntries(DCS.map((dc) => [dc, accountsServer(base, dc)])),
    })
  })
}
