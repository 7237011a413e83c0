/**
 * One JSON log line per request: method, path, the route that answered, status, milliseconds and
 * who called. The path is logged WITHOUT its query string: `/oauth/callback?code=…&state=…` and
 * `/connect?link=…` carry credentials there, and a log is no place for them.
 */
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { Caller } from '../auth.js'
import type { BrokerDeps } from '../deps.js'

/** The request's path alone: no scheme and host, no query, no fragment; never throws. */
export function pathWithoutQuery(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
  return path.split(/[?#]/)[0] ?? ''
}

/** Logs every request once it is answered (or has failed). */
export function requestLog(deps: Pick<BrokerDeps, 'logger'>): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now()
    try {
      await next()
    } finally {
      const status = c.res.status
      // The middleware's own '*' is no route: a request nothing matched has none.
      const route = routePath(c)
      const caller = (c.get('caller') as Caller | undefined)?.kind ?? 'anonymous'
      const entry = {
        msg: 'request',
        method: c.req.method,
        // Hono's path is read without parsing a URL; it may be percent-decoded, so a `?` in
        // it (from `%3F`) still ends what is logged.
        path: pathWithoutQuery(c.req.path),
        route: route === '*' || route === '/*' ? null : route,
        status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        caller,
      }
      if (status >= 500) deps.logger.error(entry)
      else if (status >= 400) deps.logger.warn(entry)
      else deps.logger.info(entry)
    }
  }
}
