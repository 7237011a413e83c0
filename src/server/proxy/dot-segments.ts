/**
 * Refuses a request whose target, as the client sent it, has a `.` or `..` segment (plain or
 * percent-encoded). The URL parser resolves those before routing, so
 * `/api/v1/proxy/acme/%2e%2e/%2e%2e/connections` would otherwise quietly become another route;
 * no browser or HTTP library sends such a path by itself, so refusing it loses nothing and
 * makes an attempt to climb visible (a 400 in the request log) instead of re-routed.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiPathError } from '../../api/errors.js'
import { BrokerHttpError, ERR_BAD_REQUEST } from '../errors.js'
import { hasDotSegment, rawRequestTarget } from './target.js'

const PROXY_PREFIX = '/api/v1/proxy/'

/** Mounted first in createBrokerApp; sees the raw target only under @hono/node-server. */
export function refuseDotSegments(): MiddlewareHandler {
  return async (c, next) => {
    const raw = rawRequestTarget(c)
    const path = raw?.split('?')[0] ?? ''
    if (raw !== undefined && hasDotSegment(path)) {
      if (path.startsWith(PROXY_PREFIX) || new URL(c.req.url).pathname.startsWith(PROXY_PREFIX)) {
        throw new ApiPathError(path, 'it climbs out of the API domain (a . or .. segment)')
      }
      throw new BrokerHttpError(
        400,
        ERR_BAD_REQUEST,
        'The request path has a . or .. segment (plain or percent-encoded)',
        'Send the path without . or .. segments; the broker does not resolve them.',
      )
    }
    await next()
  }
}
