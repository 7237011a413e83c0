/**
 * CORS on the resource APIs for client-based apps: CRM answers cross-origin requests from a
 * client-based client's registered JavaScript origins (Zoho's CRM JavaScript SDK calls it from the
 * page). The accounts server sends no CORS headers at all: a page cannot read its token endpoint.
 */
import type { MiddlewareHandler } from 'hono'
import type { EmulatorContext } from './context.js'

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE'
// What a page sends to CRM: the token, JSON bodies, and CRM's own optional headers.
const ALLOWED_HEADERS = 'Authorization, Content-Type, If-Modified-Since, X-CRM-ORG'
const EXPOSED_HEADERS =
  'X-RATELIMIT-LIMIT, X-RATELIMIT-REMAINING, X-RATELIMIT-RESET, X-ACCESSTOKEN-RESET, Retry-After'

/** True when a client-based client registered this origin as its JavaScript domain. */
export function registeredOrigin(ctx: EmulatorContext, origin: string): boolean {
  for (const client of ctx.state.clients.values()) {
    if (client.type === 'client' && client.javascriptOrigins.includes(origin)) return true
  }
  return false
}

/**
 * For `{dc}/api/*`: answers a preflight from a registered origin with 204, and adds
 * `Access-Control-Allow-Origin` to every answer for it (errors included, so a page can read its
 * 401 and refresh). An unregistered origin gets no CORS headers, which the browser enforces.
 */
export function apiCorsMiddleware(ctx: EmulatorContext): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('origin')
    const origin = header !== undefined && registeredOrigin(ctx, header) ? header : undefined
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      if (!origin) return c.body(null, 403)
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      })
    }
    await next()
    if (!origin) return
    c.res.headers.set('Access-Control-Allow-Origin', origin)
    c.res.headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS)
    c.res.headers.append('Vary', 'Origin')
  }
}
