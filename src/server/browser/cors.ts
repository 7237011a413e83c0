/**
 * CORS for `/browser/v1/*`: an app on an allowlisted origin (`ZOHO_AUTH_ALLOWED_ORIGINS`, or the
 * broker's own) may call with credentials; any other origin gets no CORS headers (the browser
 * then hides every answer) and a 403. The JSON routes also need the `X-Zoho-Auth-Browser`
 * header: a form or an `<img>` of another site cannot send one, and sending it from script
 * forces a preflight the allowlist decides.
 */
import type { MiddlewareHandler } from 'hono'
import { allowedOrigins } from '../connect/return-to.js'
import type { BrokerSettings } from '../deps.js'
import { BrokerHttpError, ERR_FORBIDDEN } from '../errors.js'

export const BROWSER_HEADER = 'x-zoho-auth-browser'

function refusedOrigin(origin: string): BrokerHttpError {
  return new BrokerHttpError(
    403,
    ERR_FORBIDDEN,
    `The origin ${origin.slice(0, 100)} may not call this broker's browser routes`,
    "Add the app's origin (scheme, host and port) to ZOHO_AUTH_ALLOWED_ORIGINS on the broker and restart it.",
  )
}

/** Preflights, CORS headers for allowed origins, and the refusal of every other origin. */
export function browserCors(settings: BrokerSettings): MiddlewareHandler {
  const allowed = allowedOrigins(settings)
  return async (c, next) => {
    const origin = c.req.header('origin')
    const ok = origin !== undefined && allowed.includes(origin)
    c.header('vary', 'Origin')
    if (ok) {
      c.header('access-control-allow-origin', origin)
      c.header('access-control-allow-credentials', 'true')
    }
    if (c.req.method === 'OPTIONS') {
      if (!ok) throw refusedOrigin(origin ?? 'none')
      c.header('access-control-allow-methods', 'GET, POST, DELETE')
      c.header('access-control-allow-headers', `content-type, ${BROWSER_HEADER}`)
      c.header('access-control-max-age', '600')
      return c.body(null, 204)
    }
    if (origin !== undefined && !ok) throw refusedOrigin(origin)
    await next()
  }
}

/** Refuses a JSON route's request without the `X-Zoho-Auth-Browser` header. */
export function requireBrowserHeader(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.header(BROWSER_HEADER) === undefined) {
      throw new BrokerHttpError(
        403,
        ERR_FORBIDDEN,
        `This route needs the ${BROWSER_HEADER} header`,
        `Call it with fetch and the header "${BROWSER_HEADER}: 1" (zoho-auth/browser's createBrokerClient does), never from a form or a link.`,
      )
    }
    await next()
  }
}
