/**
 * Zoho CRM v8: the current-user route (more modules join this file's siblings later).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-users.html
 */
import type { Context, Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import type { User } from '../state.js'
import { registerApiRoute, type ApiErrors } from './route.js'

/** CRM's error body: `{"code","details","message","status":"error"}`. */
export function crmError(
  c: Context,
  status: 400 | 401 | 403 | 404,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): Response {
  return c.json({ code, details, message, status: 'error' }, status)
}

/** A write whose body is not a JSON object: CRM names the body and the type it expected. */
export function invalidBody(c: Context): Response {
  return crmError(c, 400, 'INVALID_DATA', 'body', { expected_data_type: 'jsonobject' })
}

function crmUser(user: User): Record<string, unknown> {
  return {
    id: user.crmUserId,
    email: user.email,
    full_name: `${user.firstName} ${user.lastName}`,
    first_name: user.firstName,
    last_name: user.lastName,
    zuid: user.zuid,
    status: 'active',
    confirm: true,
    role: { name: 'CEO', id: `${user.crmUserId.slice(0, -3)}026` },
    profile: { name: 'Administrator', id: `${user.crmUserId.slice(0, -3)}027` },
  }
}

export const CRM_ERRORS: ApiErrors = {
  // Zoho's pages call it INVALID_OAUTHTOKEN; CRM v8 actually answers INVALID_TOKEN.
  invalidToken: (c) => crmError(c, 401, 'INVALID_TOKEN', 'invalid oauth token'),
  // Zoho sometimes answers an expired token with AUTHENTICATION_FAILURE (docs/zoho-behaviour.md
  // §5, §6.8).
  expiredToken: (c, ctx) =>
    ctx.settings.expired_token_code === 'AUTHENTICATION_FAILURE'
      ? crmError(c, 401, 'AUTHENTICATION_FAILURE', 'Authentication failed')
      : crmError(c, 401, 'INVALID_TOKEN', 'invalid oauth token'),
  scopeMismatch: (c) =>
    crmError(c, 401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL'),
}

export function registerCrmRoutes(app: Hono, ctx: EmulatorContext): void {
  registerApiRoute(app, ctx, {
    method: 'GET',
    path: '/crm/v8/users',
    scope: 'ZohoCRM.users.READ',
    errors: CRM_ERRORS,
    handle({ c, token }) {
      const current = token.zuid ? ctx.state.users.get(token.zuid) : undefined
      // Without type=CurrentUser, every user of the org (here: of this DC).
      const users =
        c.req.query('type') === 'CurrentUser'
          ? current
            ? [current]
            : []
          : [...ctx.state.users.values()].filter((u) => u.dc === token.dc)
      return c.json({ users: users.map(crmUser) })
    },
  })
}
