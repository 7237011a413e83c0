/**
 * Building an API request, apart from sending it and from reading its answer: the URL under the
 * token's API domain, `Authorization: Zoho-oauthtoken …`, the body of this attempt. The broker's
 * proxy builds its forwarded requests with the same function.
 */
import { assertSecureURL } from '../protocol/http.js'
import { parseApiPath, resolveApiURL, type ApiPath, type ApiQuery } from './path.js'

/**
 * The HTTP methods Zoho's APIs use.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-collection.html
 */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

/**
 * Methods whose repetition changes nothing more than one call: only these are retried after a
 * server error or a timeout (a POST that timed out may have created the record).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-idempotent-methods
 */
export const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set([
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
])

/**
 * One attempt of an API call, as fetch takes it.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export interface BuiltApiRequest {
  url: URL
  method: HttpMethod
  headers: Headers
  body: BodyInit | undefined
  /** `'half'` when the body is a stream (fetch requires it). */
  duplex: 'half' | undefined
  /** `GET /crm/v8/org`, for messages: no host, no query, no token. */
  description: string
}

/**
 * What buildApiRequest needs: the token's two fields and the call.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export interface ApiRequestInput {
  token: { accessToken: string; apiDomain: string }
  method: HttpMethod
  path: string | ApiPath
  query?: ApiQuery | undefined
  headers?: HeadersInit | undefined
  body?: BodyInit | undefined
  /** Used when the caller's headers set no content-type. */
  contentType?: string | undefined
  stream?: boolean | undefined
  /** http:// only to a loopback emulator, as for the accounts server. */
  allowInsecureHTTP?: boolean | undefined
}

/**
 * Describes a call for messages: method and path, never the host, query or token.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-collection.html
 */
export function describeCall(method: string, path: string | ApiPath): string {
  const pathname = typeof path === 'string' ? path.split('?')[0] : path.pathname
  return `${method} ${pathname}`
}

/**
 * Builds one attempt of an API call. Throws ApiPathError for a path outside the API domain and
 * `ERR_INSECURE_URL` for an API domain that is not https (or loopback http with the option).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export function buildApiRequest(input: ApiRequestInput): BuiltApiRequest {
  const path = typeof input.path === 'string' ? parseApiPath(input.path) : input.path
  assertSecureURL(input.token.apiDomain, input.allowInsecureHTTP)
  const url = resolveApiURL(input.token.apiDomain, path, input.query)
  const headers = new Headers(input.headers)
  // Ours only: a caller's Authorization or Host header would send the call somewhere else.
  headers.delete('host')
  headers.set('authorization', `Zoho-oauthtoken ${input.token.accessToken}`)
  if (!headers.has('accept')) headers.set('accept', 'application/json')
  if (input.contentType !== undefined && input.body !== undefined && !headers.has('content-type')) {
    headers.set('content-type', input.contentType)
  }
  return {
    url,
    method: input.method,
    headers,
    body: input.body,
    duplex: input.stream ? 'half' : undefined,
    description: describeCall(input.method, path),
  }
}
