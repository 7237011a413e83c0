/**
 * One resource API route: authenticates the Zoho-oauthtoken for this DC and checks the scope before
 * the product's handler runs, answering in that product's error format.
 */
import type { Context, Hono } from 'hono'
import { authenticate, presentedToken } from '../bearer.js'
import type { EmulatorContext } from '../context.js'
import { dcOf } from '../http.js'
import { hasScope } from '../scopes.js'
import type { AccessToken } from '../state.js'
import { expiredAccessToken } from '../tokens.js'

export interface ApiCall {
  c: Context
  ctx: EmulatorContext
  token: AccessToken
}

export interface ApiErrors {
  /** Unknown, expired, evicted, revoked or another DC's token. */
  invalidToken(c: Context): Response
  /** An expired token; products that answer it like any invalid token leave this out. */
  expiredToken?(c: Context, ctx: EmulatorContext): Response
  scopeMismatch(c: Context): Response
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Path under `{base}/{dc}/api`, e.g. `/crm/v8/users`. */
  path: string
  /** Any one of these scopes (or a scope covering it) is enough. */
  scope: string
  errors: ApiErrors
  handle(call: ApiCall): Response | Promise<Response>
}

export function registerApiRoute(app: Hono, ctx: EmulatorContext, route: ApiRoute): void {
  app.on(route.method, `/:dc/api${route.path}`, async (c) => {
    const dc = dcOf(c)
    const token = authenticate(ctx, c, dc)
    ctx.stats.count('api', dc, token?.clientId)
    if (!token) {
      const presented = presentedToken(c, ['Zoho-oauthtoken'])
      const expired = presented !== undefined && expiredAccessToken(ctx, presented, dc)
      const { expiredToken, invalidToken } = route.errors
      return expired && expiredToken ? expiredToken(c, ctx) : invalidToken(c)
    }
    if (!hasScope(token.scopes, route.scope)) return route.errors.scopeMismatch(c)
    return route.handle({ c, ctx, token })
  })
}
