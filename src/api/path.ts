/**
 * API paths are relative to the connection's API domain and may never leave it. A caller's path
 * is checked segment by segment (percent-decoded, repeatedly, so `%252e%252e` is caught too), then
 * set as the URL's path — never concatenated onto the domain, where `@evil.com` would turn the
 * domain into a user name.
 */
import { ApiPathError } from './errors.js'

/** Values for the query string; `undefined` leaves a parameter out. */
export type ApiQuery =
  URLSearchParams | Record<string, string | number | boolean | undefined | null | readonly string[]>

/**
 * A checked relative path and the query it carried.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3.3
 */
export interface ApiPath {
  /** Starts with `/`, no dot segments, no encoded separators. */
  pathname: string
  search: URLSearchParams
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/** Decodes until stable (at most a few rounds), so double encoding cannot hide a `..`. */
function fullyDecoded(segment: string, path: string): string {
  if (/%(?![0-9a-f]{2})/i.test(segment)) {
    throw new ApiPathError(path, 'it contains a malformed percent-encoding')
  }
  let current = segment
  for (let round = 0; round < 4 && /%[0-9a-f]{2}/i.test(current); round++) {
    try {
      current = decodeURIComponent(current)
    } catch {
      throw new ApiPathError(path, 'it contains a malformed percent-encoding')
    }
  }
  return current
}

/**
 * Checks a caller's API path (`/crm/v8/Leads`, `crm/v8/settings/fields?module=Deals`) and splits
 * off its query. Throws ApiPathError for an absolute or scheme-relative URL, a user-info `@`, a
 * backslash, a dot segment (`..`, `%2e%2e`), an encoded `/` or `\`, or a control character.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4
 */
export function parseApiPath(path: string): ApiPath {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new ApiPathError(String(path), 'it is empty')
  }
  if (CONTROL.test(path)) throw new ApiPathError(path, 'it contains a control character')
  if (path.includes('#')) throw new ApiPathError(path, 'it contains a fragment (#)')
  const queryAt = path.indexOf('?')
  const rawPath = queryAt === -1 ? path : path.slice(0, queryAt)
  const rawQuery = queryAt === -1 ? '' : path.slice(queryAt + 1)
  if (SCHEME.test(rawPath)) throw new ApiPathError(path, 'it is an absolute URL')
  if (rawPath.startsWith('//')) throw new ApiPathError(path, 'it names another host (//host)')
  if (rawPath.includes('\\')) throw new ApiPathError(path, 'it contains a backslash')
  if (rawPath.includes('@')) throw new ApiPathError(path, 'it contains "@"')
  const segments = (rawPath.startsWith('/') ? rawPath.slice(1) : rawPath).split('/')
  // A trailing slash is harmless (`/crm/v8/Leads/`); an empty segment elsewhere is not a path.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop()
  for (const segment of segments) {
    if (segment === '') throw new ApiPathError(path, 'it has an empty segment (//)')
    const decoded = fullyDecoded(segment, path)
    if (decoded === '.' || decoded === '..') {
      throw new ApiPathError(path, 'it climbs out of the API domain (a . or .. segment)')
    }
    if (/[/\\]/.test(decoded)) {
      throw new ApiPathError(path, 'it contains an encoded / or \\')
    }
    if (CONTROL.test(decoded)) throw new ApiPathError(path, 'it contains a control character')
  }
  return { pathname: `/${segments.join('/')}`, search: new URLSearchParams(rawQuery) }
}

function mergeQuery(search: URLSearchParams, query: ApiQuery | undefined): URLSearchParams {
  const merged = new URLSearchParams(search)
  if (query === undefined) return merged
  const entries =
    query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query ?? {})
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue
    merged.delete(name)
    for (const one of Array.isArray(value) ? value : [value]) merged.append(name, String(one))
  }
  return merged
}

/**
 * The URL of `path` under `apiDomain` (which may carry a path of its own, as the emulator's
 * `{base}/{dc}/api` does). The result is checked once more: same origin, under the domain's path.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-5.2
 */
export function resolveApiURL(apiDomain: string, path: string | ApiPath, query?: ApiQuery): URL {
  const parsed = typeof path === 'string' ? parseApiPath(path) : path
  const base = new URL(apiDomain)
  const prefix = base.pathname.replace(/\/+$/, '')
  const url = new URL(base.origin)
  url.pathname = `${prefix}${parsed.pathname}`
  const search = mergeQuery(parsed.search, query).toString()
  url.search = search === '' ? '' : `?${search}`
  if (url.origin !== base.origin || !url.pathname.startsWith(`${prefix}/`)) {
    throw new ApiPathError(parsed.pathname, 'it resolves outside the API domain')
  }
  return url
}
