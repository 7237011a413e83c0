/**
 * The one place that talks HTTP to a Zoho accounts server: every request gets a timeout, refuses
 * plain http:// (except to a loopback emulator), and every answer is classified by its body.
 * Sending a request is kept apart from reading its response, so an endpoint with its own rules
 * (revoke's HTTP 400) can read the raw answer.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
 */
import {
  ERR_INSECURE_URL,
  TransportError,
  UnexpectedResponseError,
  ZohoAuthError,
  ZohoOAuthError,
  ZohoThrottledError,
} from './errors.js'

/**
 * How a request to Zoho is made: which `fetch`, how long to wait, and whether plain HTTP to a
 * loopback emulator is allowed.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
 */
export interface RequestOptions {
  /** Defaults to `globalThis.fetch`; tests inject a fake. */
  fetch?: typeof fetch
  /** Defaults to {@link DEFAULT_TIMEOUT_MS}. Covers connecting and reading the whole body. */
  timeoutMs?: number
  /** Cancels the request; its reason is rethrown as is (a cancel is not a network failure). */
  signal?: AbortSignal
  /** http:// is refused unless this is true AND the host is loopback (the emulator). */
  allowInsecureHTTP?: boolean
}

/**
 * Time allowed for one request to Zoho, connect to last byte.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static
 */
export const DEFAULT_TIMEOUT_MS = 15_000

/**
 * @internal A request to an accounts server.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  /** Sent as an `application/x-www-form-urlencoded` body. */
  form?: Record<string, string>
  headers?: Record<string, string>
  /** Names the request in error messages: `refresh`, `code exchange`, … */
  operation: string
}

/**
 * @internal A raw answer, body read to the end.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export interface HttpResponse {
  status: number
  contentType: string | null
  text: string
}

/**
 * @internal A JSON object answer from Zoho.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export type JSONObject = Record<string, unknown>

/**
 * True for hosts that never leave the machine: 127.0.0.0/8, `localhost` and `::1`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host === '::1') return true
  return /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host)
}

/**
 * Throws `ERR_INSECURE_URL` unless `url` is https://, or http:// to a loopback host with
 * `allowInsecureHTTP` set: client secrets and tokens must not cross a network in clear text.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function assertSecureURL(url: string, allowInsecureHTTP = false): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (cause) {
    throw new ZohoAuthError(ERR_INSECURE_URL, `"${url}" is not a valid URL`, {
      remedy: 'Use the https:// URL of a Zoho accounts server, e.g. https://accounts.zoho.com.',
      cause,
    })
  }
  if (parsed.protocol === 'https:') return parsed
  if (parsed.protocol === 'http:') {
    if (allowInsecureHTTP && isLoopbackHost(parsed.hostname)) return parsed
    throw new ZohoAuthError(
      ERR_INSECURE_URL,
      `Refusing to send credentials over plain HTTP to ${parsed.origin}`,
      {
        remedy: allowInsecureHTTP
          ? 'Plain http:// is allowed only to a loopback host (127.0.0.1, localhost, ::1); use https:// for anything else.'
          : 'Use https://; plain http:// is allowed only for a local emulator, with allowInsecureHTTP: true.',
      },
    )
  }
  throw new ZohoAuthError(ERR_INSECURE_URL, `Unsupported URL scheme ${parsed.protocol}`, {
    remedy: 'Use the https:// URL of a Zoho accounts server, e.g. https://accounts.zoho.com.',
  })
}

/**
 * @internal Sends a request and reads the whole body within the timeout. Network failures and
 * timeouts become TransportError; a caller's abort is rethrown with its own reason.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/any_static
 */
export async function sendRequest(
  request: HttpRequest,
  options: RequestOptions = {},
): Promise<HttpResponse> {
  assertSecureURL(request.url, options.allowInsecureHTTP)
  const fetchImpl = options.fetch ?? globalThis.fetch
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers }
  let body: string | undefined
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(request.form).toString()
  }

  const exchange = async (): Promise<HttpResponse> => {
    const response = await fetchImpl(request.url, { method: request.method, headers, body, signal })
    const text = await response.text()
    return { status: response.status, contentType: response.headers.get('content-type'), text }
  }
  // Race the abort too: a fetch (or body) that ignores its signal must still time out.
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  const pending = exchange()
  // Whichever loses the race must not surface later as an unhandled rejection.
  pending.catch(() => {})
  aborted.catch(() => {})
  try {
    return await Promise.race([pending, aborted])
  } catch (cause) {
    if (options.signal?.aborted) throw options.signal.reason
    throw new TransportError({
      url: request.url,
      timeout: timeout.aborted,
      operation: request.operation,
      cause,
    })
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

/**
 * @internal Reads a JSON object out of an answer; HTML (Zoho's roadblock page, a proxy's error
 * page) or anything else that is not a JSON object is an UnexpectedResponseError.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export function readJSONObject(response: HttpResponse, operation: string): JSONObject {
  let parsed: unknown
  try {
    parsed = JSON.parse(response.text)
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UnexpectedResponseError({
      status: response.status,
      contentType: response.contentType,
      body: response.text,
      operation,
    })
  }
  return parsed as JSONObject
}

/**
 * @internal Throws the OAuth error carried by `body`, whatever the HTTP status: Zoho answers
 * HTTP 200 with {"error": …}, so the status alone must never decide success.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export function throwIfOAuthError(status: number, body: JSONObject, operation: string): void {
  if (!('error' in body) || body.error === undefined || body.error === null) return
  const error = typeof body.error === 'string' ? body.error : JSON.stringify(body.error)
  const errorDescription =
    typeof body.error_description === 'string' ? body.error_description : undefined
  const init = { error, errorDescription, status, operation }
  // Zoho's throttle is not an OAuth code: {"error":"Access Denied","error_description":"…"}.
  if (error === 'Access Denied') throw new ZohoThrottledError(init)
  throw new ZohoOAuthError(init)
}

/**
 * @internal The usual path: send, read JSON, throw Zoho's error if any, and refuse a non-2xx
 * answer that carries no error (a gateway's JSON, say) rather than mistaking it for success.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export async function requestJSON(
  request: HttpRequest,
  options: RequestOptions = {},
): Promise<JSONObject> {
  const response = await sendRequest(request, options)
  const body = readJSONObject(response, request.operation)
  throwIfOAuthError(response.status, body, request.operation)
  if (response.status < 200 || response.status > 299) {
    throw new UnexpectedResponseError({
      status: response.status,
      contentType: response.contentType,
      body: response.text,
      operation: request.operation,
    })
  }
  return body
}
