/**
 * What a connection id may be. Ids travel in URL paths (`/api/v1/connections/:id`, the proxy's
 * `/api/v1/proxy/:id/…`), so one that could change a path's meaning is refused everywhere the
 * API takes one: no slashes or backslashes, no `%`, `?` or `#`, no `.`/`..`, no control
 * characters or surrounding spaces. Tenant keys such as `acme`, `tenant:42` or
 * `ada@example.com` all pass.
 */
import { badRequest } from './body.js'

const MAX_ID_LENGTH = 128
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[/\\%?#\u0000-\u001f\u007f]/

/** Why `id` is not a usable connection id, or null when it is. */
export function connectionIdProblem(id: string): string | null {
  if (id === '') return 'it is empty'
  if (id.length > MAX_ID_LENGTH) return `it is longer than ${MAX_ID_LENGTH} characters`
  if (id !== id.trim()) return 'it starts or ends with a space'
  if (id === '.' || id === '..') return 'it is a path segment'
  if (FORBIDDEN.test(id)) return 'it contains a slash, backslash, %, ?, # or a control character'
  return null
}

/** `id` itself, or a 400 saying why it cannot be a connection id. */
export function checkConnectionId(id: string, what = 'connection id'): string {
  const problem = connectionIdProblem(id)
  if (problem !== null) {
    throw badRequest(
      `"${id.slice(0, MAX_ID_LENGTH)}" is not a valid ${what}: ${problem}`,
      'Use letters, digits and . _ - : @ (at most 128 characters), e.g. "acme" or "tenant-42".',
    )
  }
  return id
}
