/**
 * Where a proxy request goes: the API path after `/api/v1/proxy/:id`, checked by the API
 * client's path guard (src/api/path.ts) so that nothing reaches another host or climbs out of
 * the API domain.
 *
 * A URL parser resolves `..` and `%2e%2e` before any route sees the path, so the request target
 * as the client sent it (`env.incoming.url` under @hono/node-server) is checked for dot
 * segments first, by refuseDotSegments in dot-segments.ts: a request that tried to climb is
 * refused, not quietly re-routed.
 */
import type { Context } from 'hono'
import { routePath } from 'hono/route'
import { ApiPathError } from '../../api/errors.js'
import { parseApiPath, type ApiPath } from '../../api/path.js'

const SCHEME = /^[a-z][a-z0-9+.-]*:/i

/** The request target (path and query) as the client sent it, when the server kept it. */
export function rawRequestTarget(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { url?: unknown } } | undefined)?.incoming
  return typeof incoming?.url === 'string' ? incoming.url : undefined
}

/** True when a path segment is `.` or `..`, however often percent-encoded. */
export function hasDotSegment(path: string): boolean {
  // Every request passes here: a path with neither a dot nor an escape has no dot segment.
  if (!path.includes('.') && !path.includes('%')) return false
  return path.split(/[/\\]/).some((segment) => {
    let decoded = segment
    for (let round = 0; round < 4 && /%[0-9a-f]{2}/i.test(decoded); round++) {
      try {
        decoded = decodeURIComponent(decoded)
      } catch {
        return false // malformed encodings are refused by parseApiPath
      }
    }
    return decoded === '.' || decoded === '..'
  })
}

/** The API path of a proxy request (query not included) and its raw query string. */
export interface ProxyTarget {
  path: ApiPath
  /** `?…` exactly as the caller sent it (after the URL parser), or ''. */
  search: string
}

/** Parses `/api/v1/proxy/:id/<path>?<query>`; throws ApiPathError for a path that may not go. */
export function proxyTarget(c: Context): ProxyTarget {
  // A raw target with dot segments was already refused, before routing, by refuseDotSegments
  // (dot-segments.ts, mounted first in createBrokerApp): checking it again here is per-request
  // work twice over.
  const url = new URL(c.req.url)
  // `/api/v1/proxy/:id/*` → everything after the id's segment, leading slash kept, so that a
  // `//host` right after the id is seen as what it is.
  const base = routePath(c).replace(/\/:id(\/\*)?$/, '')
  const afterBase = url.pathname.slice(base.length)
  const slash = afterBase.indexOf('/', 1)
  const rest = slash === -1 ? '' : afterBase.slice(slash)
  if (rest === '' || rest === '/') throw new ApiPathError(rest, 'it is empty')
  if (SCHEME.test(rest.slice(1))) throw new ApiPathError(rest.slice(1), 'it is an absolute URL')
  return { path: parseApiPath(rest), search: url.search }
}
