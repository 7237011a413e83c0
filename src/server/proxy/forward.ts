/**
 * One proxied call: the caller's request, with the connection's token, to the connection's API
 * domain (from the DC table, via the manager), and Zoho's answer streamed back. A refused token
 * (`INVALID_TOKEN`, `AUTHENTICATION_FAILURE`, Invoice 14 — the API client's rule, in
 * src/api/response.ts) invalidates that token only, so a burst of refusals causes one refresh,
 * and the call is sent once more with the new one. docs/operations.md, "The proxy", says what
 * is refused and how bodies are kept.
 */
import type { Context } from 'hono'
import { buildApiRequest, type HttpMethod } from '../../api/request.js'
import { classifyApiAnswer } from '../../api/response.js'
import { TransportError } from '../../protocol/errors.js'
import type { AccessToken } from '../../tokens/types.js'
import type { BrokerDeps } from '../deps.js'
import { BrokerHttpError, ERR_PAYLOAD_TOO_LARGE } from '../errors.js'
import { forwardedRequestHeaders, returnedResponseHeaders } from './headers.js'
import { peekBody } from './peek.js'
import { ReplayableBody } from './replayable-body.js'
import { proxyTarget, type ProxyTarget } from './target.js'

/** Code of the 405 for a method Zoho's APIs do not take. */
export const ERR_METHOD_NOT_ALLOWED = 'ERR_METHOD_NOT_ALLOWED'

const METHODS = new Set<string>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
// Zoho's 401 bodies are a few hundred bytes; a longer one is not a token refusal we can read.
const PEEK_BYTES = 64 * 1024
/** Answers up to this size (as Zoho states it) are passed on whole rather than streamed. */
const SMALL_ANSWER_BYTES = 64 * 1024
/** How long Zoho has to send the answer's headers; its body then streams as long as it takes. */
export const PROXY_HEADERS_TIMEOUT_MS = 60_000

type ProxyDeps = Pick<BrokerDeps, 'manager' | 'fetch' | 'settings' | 'allowInsecureHTTP' | 'now'>

interface Call {
  id: string
  method: HttpMethod
  target: ProxyTarget
  headers: Headers
  body: ReplayableBody | undefined
  signal: AbortSignal
}

function payloadTooLarge(limit: number): BrokerHttpError {
  return new BrokerHttpError(
    413,
    ERR_PAYLOAD_TOO_LARGE,
    `The request body is larger than the broker accepts (${limit} bytes)`,
    'Send a smaller body (split a batch: Zoho takes at most 100 records per call), or raise the limit the broker was started with.',
  )
}

async function send(deps: ProxyDeps, call: Call, token: AccessToken): Promise<Response> {
  const built = buildApiRequest({
    token,
    method: call.method,
    path: call.target.path,
    headers: call.headers,
    body: call.body?.stream(),
    stream: call.body !== undefined,
    allowInsecureHTTP: deps.allowInsecureHTTP,
  })
  // The caller's query as sent: re-serialising it could change what Zoho reads.
  built.url.search = call.target.search
  const headersTimeout = new AbortController()
  const timer = setTimeout(
    () => headersTimeout.abort(new DOMException('no answer in time', 'TimeoutError')),
    PROXY_HEADERS_TIMEOUT_MS,
  )
  const init: RequestInit & { duplex?: 'half' } = {
    method: built.method,
    headers: built.headers,
    body: built.body,
    // A redirect would carry the token to wherever Zoho's answer points.
    redirect: 'manual',
    signal: AbortSignal.any([headersTimeout.signal, call.signal]),
  }
  if (built.duplex) init.duplex = built.duplex
  try {
    const response = await deps.fetch(built.url, init)
    if (call.body?.tooLarge) {
      await response.body?.cancel().catch(() => undefined)
      throw payloadTooLarge(deps.settings.maxBodyBytes)
    }
    return response
  } catch (cause) {
    if (call.body?.tooLarge) throw payloadTooLarge(deps.settings.maxBodyBytes)
    if (cause instanceof BrokerHttpError) throw cause
    throw new TransportError({
      url: built.url.href,
      timeout: headersTimeout.signal.aborted,
      operation: built.description,
      cause,
    })
  } finally {
    clearTimeout(timer)
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * The body to hand back. A small answer whose size Zoho stated (most API answers: a few KB of
 * JSON) is read whole and sent as one buffer, which the server writes in one go; piping a
 * stream costs a few event-loop turns per call and was most of the proxy's added latency
 * (docs/benchmarks.md). Anything larger, of unstated size, or compressed streams through.
 */
async function passOn(upstream: Response): Promise<BodyInit | null> {
  const declared = Number(upstream.headers.get('content-length') ?? Number.NaN)
  const small = declared >= 0 && declared <= SMALL_ANSWER_BYTES
  if (!small || upstream.headers.has('content-encoding')) return upstream.body
  return upstream.arrayBuffer()
}

/** Answers a proxy request (or throws an error the app renders as JSON). */
export async function forward(deps: ProxyDeps, c: Context): Promise<Response> {
  const method = c.req.method.toUpperCase()
  if (!METHODS.has(method)) {
    throw new BrokerHttpError(
      405,
      ERR_METHOD_NOT_ALLOWED,
      `The proxy does not forward ${method} requests`,
      `Use one of ${[...METHODS].join(', ')}.`,
    )
  }
  const target = proxyTarget(c)
  const limit = deps.settings.maxBodyBytes
  const declared = Number(c.req.header('content-length') ?? 0)
  if (declared > limit) throw payloadTooLarge(limit)
  const source = method === 'GET' || method === 'HEAD' ? null : c.req.raw.body
  const call: Call = {
    id: c.req.param('id') ?? '',
    method: method as HttpMethod,
    target,
    headers: forwardedRequestHeaders(c.req.raw.headers),
    body: source === null ? undefined : new ReplayableBody(source.getReader(), limit),
    signal: c.req.raw.signal,
  }
  try {
    let token = await deps.manager.getToken(call.id)
    let upstream = await send(deps, call, token)
    if (upstream.status === 401) {
      const peeked = await peekBody(upstream.body, PEEK_BYTES)
      const answer = { status: 401, headers: upstream.headers, body: parsed(peeked.text ?? '') }
      if (
        peeked.text !== undefined &&
        classifyApiAnswer(answer, deps.now()).kind === 'token_refused'
      ) {
        await peeked.body?.cancel().catch(() => undefined)
        token = await deps.manager.invalidate(call.id, token.accessToken)
        upstream = await send(deps, call, token)
      } else {
        upstream = new Response(peeked.body, { status: 401, headers: upstream.headers })
      }
    }
    return new Response(method === 'HEAD' ? null : await passOn(upstream), {
      status: upstream.status,
      statusText: upstream.statusText,
      headers: returnedResponseHeaders(upstream.headers),
    })
  } catch (error) {
    call.body?.discard()
    throw error
  }
}
