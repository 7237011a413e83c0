/**
 * The API client: calls a Zoho API for one connection, with the token the TokenManager serves.
 * What it does with each answer (docs/architecture.md, "How a token is served"):
 *
 * - refused token (`INVALID_TOKEN`, `AUTHENTICATION_FAILURE`, Invoice 14) → invalidate *that*
 *   token, so concurrent refusals of one token cause one refresh, and retry once;
 * - `OAUTH_SCOPE_MISMATCH` → ApiScopeError at once (a refresh keeps the grant's scopes);
 * - `TOO_MANY_REQUESTS` → wait for the reset when it is within `rateLimit.maxWaitMs`, else
 *   ApiRateLimitError with the time to retry;
 * - 500/502/503/504, network failures and timeouts → bounded, jittered retries for idempotent
 *   methods only (never POST or PATCH: the first attempt may have created the record);
 * - any other error → ZohoApiError with Zoho's code intact.
 */
import { TransportError } from '../protocol/errors.js'
import type { AccessToken } from '../tokens/types.js'
import { DEFAULT_REPLAY_BUFFER_BYTES, prepareBody, type ApiBodyInit } from './body.js'
import { ApiRateLimitError, ApiScopeError, BodyNotReplayableError } from './errors.js'
import { parseApiPath, type ApiQuery } from './path.js'
import { zohoApiError } from './remedies.js'
import { buildApiRequest, describeCall, IDEMPOTENT_METHODS, type HttpMethod } from './request.js'
import { classifyApiAnswer, productOf, type ApiVerdict } from './response.js'
import { sendApiRequest } from './send.js'

/**
 * The part of the TokenManager the client uses (its public API), so a broker or a test can
 * hand in their own.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/token-validity.html
 */
export interface TokenSource {
  getToken(connectionId: string): Promise<AccessToken>
  invalidate(connectionId: string, failedAccessToken: string): Promise<AccessToken>
  get(connectionId: string): Promise<{ scopes: string[] } | null>
}

/**
 * How the client calls Zoho. Time, randomness, sleeping and fetch are injectable for tests.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html
 */
export interface ZohoApiClientOptions {
  manager: TokenSource
  connectionId: string
  fetch?: typeof fetch
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Per attempt, connect to last byte. Default 30 s. */
  timeoutMs?: number
  /** Server errors and timeouts, idempotent methods only. Default 3 attempts, 250 ms, ≤ 4 s. */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number }
  /** Default: wait up to 10 s for a reset, at most 3 times per call. */
  rateLimit?: { maxWaitMs?: number; attempts?: number }
  /** How much of a streamed body is kept to send it again. Default 1 MiB; 0 keeps none. */
  replayBufferBytes?: number
  /** http:// API domains only on loopback (the emulator). */
  allowInsecureHTTP?: boolean
  /** Sent with every call (a caller's own User-Agent, say). */
  headers?: Record<string, string>
}

/**
 * One call's options. `json` for JSON bodies; `body` for forms (URLSearchParams), multipart
 * (FormData), text, bytes and streams.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-collection.html
 */
export interface ApiCallOptions {
  query?: ApiQuery
  headers?: Record<string, string>
  json?: unknown
  body?: ApiBodyInit
  signal?: AbortSignal
  timeoutMs?: number
  /** The scope this call needs, named in the re-grant command if Zoho says it is missing. */
  scope?: string
}

/**
 * Zoho's answer to a call it processed (a CRM batch with per-record failures included).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export interface ApiResponse<T = unknown> {
  status: number
  headers: Headers
  /** Parsed JSON, the text when the body is not JSON, undefined when it is empty. */
  data: T
}

interface Settings {
  timeoutMs: number
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  maxWaitMs: number
  rateAttempts: number
  replayBufferBytes: number
}

function resolveSettings(options: ZohoApiClientOptions): Settings {
  const { retry = {}, rateLimit = {} } = options
  return {
    timeoutMs: options.timeoutMs ?? 30_000,
    attempts: Math.max(1, retry.attempts ?? 3),
    baseDelayMs: retry.baseDelayMs ?? 250,
    maxDelayMs: retry.maxDelayMs ?? 4_000,
    maxWaitMs: rateLimit.maxWaitMs ?? 10_000,
    rateAttempts: Math.max(0, rateLimit.attempts ?? 3),
    replayBufferBytes: options.replayBufferBytes ?? DEFAULT_REPLAY_BUFFER_BYTES,
  }
}

/**
 * Calls Zoho's APIs for one connection.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export class ZohoApiClient {
  readonly connectionId: string
  private readonly options: ZohoApiClientOptions
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  private readonly settings: Settings

  constructor(options: ZohoApiClientOptions) {
    this.options = options
    this.connectionId = options.connectionId
    this.now = options.now ?? Date.now
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.random = options.random ?? Math.random
    this.settings = resolveSettings(options)
  }

  get<T = unknown>(path: string, options?: ApiCallOptions): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, options)
  }

  post<T = unknown>(path: string, options?: ApiCallOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, options)
  }

  put<T = unknown>(path: string, options?: ApiCallOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, options)
  }

  patch<T = unknown>(path: string, options?: ApiCallOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, options)
  }

  delete<T = unknown>(path: string, options?: ApiCallOptions): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, options)
  }

  /**
   * Calls `method path` under the connection's API domain. Resolves with Zoho's answer when it
   * processed the call; rejects with ApiPathError, ApiScopeError, ApiRateLimitError,
   * BodyNotReplayableError, ZohoApiError, TransportError, or the manager's errors.
   */
  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    options: ApiCallOptions = {},
  ): Promise<ApiResponse<T>> {
    const { connectionId } = this
    const parsed = parseApiPath(path)
    const call = describeCall(method, parsed)
    const idempotent = IDEMPOTENT_METHODS.has(method)
    if (
      (method === 'GET' || method === 'HEAD') &&
      (options.json !== undefined || options.body !== undefined)
    ) {
      // fetch would refuse it too, but as a network-looking failure that gets retried.
      throw new TypeError(`${call} cannot have a body; send it with POST, PUT or PATCH`)
    }
    const { settings } = this
    const body = prepareBody(options, settings.replayBufferBytes)
    let token = await this.options.manager.getToken(connectionId)
    let refreshed = false
    let serverRetries = 0
    let rateWaits = 0
    // Why the previous attempt must be repeated, for BodyNotReplayableError.
    let lastReason = ''
    for (let attempt = 0; ; attempt++) {
      const payload = await body.next()
      if (payload === null) throw this.notReplayable(call, lastReason, settings.replayBufferBytes)
      const request = buildApiRequest({
        token,
        method,
        path: parsed,
        query: options.query,
        headers: { ...this.options.headers, ...options.headers },
        body: payload,
        contentType: body.contentType,
        stream: body.stream && attempt === 0,
        allowInsecureHTTP: this.options.allowInsecureHTTP,
      })
      let verdict: ApiVerdict
      let answer
      try {
        answer = await sendApiRequest(request, {
          fetch: this.options.fetch ?? globalThis.fetch,
          timeoutMs: options.timeoutMs ?? settings.timeoutMs,
          signal: options.signal,
        })
        verdict = classifyApiAnswer(answer, this.now())
      } catch (error) {
        if (!(error instanceof TransportError) || !idempotent) throw error
        if (++serverRetries >= settings.attempts) throw error
        lastReason = error.timeout ? 'timeout' : 'network failure'
        await this.sleep(this.backoff(serverRetries))
        continue
      }
      const context = {
        connectionId,
        request: call,
        status: answer.status,
        product: productOf(parsed.pathname),
      }
      switch (verdict.kind) {
        case 'ok':
          return { status: answer.status, headers: answer.headers, data: answer.body as T }
        case 'token_refused':
          if (refreshed)
            throw zohoApiError({ ...verdict, details: undefined }, context, 'token_refused')
          refreshed = true
          lastReason = String(verdict.zohoCode)
          token = await this.options.manager.invalidate(connectionId, token.accessToken)
          continue
        case 'scope_mismatch':
          throw await this.scopeError(call, verdict.zohoCode, options.scope)
        case 'rate_limited': {
          const wait = verdict.retryAt === undefined ? undefined : verdict.retryAt - this.now()
          if (
            wait === undefined ||
            wait > settings.maxWaitMs ||
            rateWaits >= settings.rateAttempts
          ) {
            throw new ApiRateLimitError({ connectionId, request: call, ...verdict })
          }
          rateWaits += 1
          lastReason = 'TOO_MANY_REQUESTS'
          // A reset already passed (a concurrency refusal): back off rather than hammer.
          await this.sleep(Math.max(wait, this.backoff(rateWaits)))
          continue
        }
        case 'server_error':
          if (!idempotent || ++serverRetries >= settings.attempts) {
            throw zohoApiError(verdict, { ...context, attempts: attempt + 1 }, 'server_error')
          }
          lastReason = `HTTP ${answer.status}`
          await this.sleep(this.backoff(serverRetries))
          continue
        case 'error':
          throw zohoApiError(verdict, context)
      }
    }
  }

  /** Exponential with jitter (50–100 % of the step), capped. */
  private backoff(retry: number): number {
    const { maxDelayMs, baseDelayMs } = this.settings
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1))
    return Math.round(step * (0.5 + this.random() / 2))
  }

  private notReplayable(call: string, reason: string, limit: number): BodyNotReplayableError {
    return new BodyNotReplayableError({
      connectionId: this.connectionId,
      request: call,
      reason,
      limit,
    })
  }

  private async scopeError(
    call: string,
    zohoCode: string | number,
    requiredScope: string | undefined,
  ): Promise<ApiScopeError> {
    const connection = await this.options.manager.get(this.connectionId).catch(() => null)
    return new ApiScopeError({
      connectionId: this.connectionId,
      request: call,
      scopes: connection?.scopes ?? [],
      requiredScope,
      zohoCode,
    })
  }
}
