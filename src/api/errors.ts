/**
 * The API client's errors, in the package's one family (ZohoAuthError: `code`, `remedy`, `cause`,
 * messages redacted). Five codes a caller can switch on; Zoho's own code rides along intact on
 * `zohoCode` (a string for CRM, a number for Invoice/Books).
 */
import { ZohoAuthError } from '../protocol/errors.js'

/**
 * Code of ApiPathError: the path is not a relative path inside the API domain.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-collection.html
 */
export const ERR_API_PATH = 'ERR_API_PATH'
/**
 * Code of ZohoApiError: Zoho answered the API call with an error.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export const ERR_ZOHO_API = 'ERR_ZOHO_API'
/**
 * Code of ApiScopeError: the connection's grant does not cover this API (`OAUTH_SCOPE_MISMATCH`).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/scopes.html
 */
export const ERR_API_SCOPE = 'ERR_API_SCOPE'
/**
 * Code of ApiRateLimitError: `TOO_MANY_REQUESTS`, and the reset is further away than we wait.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html
 */
export const ERR_API_RATE_LIMITED = 'ERR_API_RATE_LIMITED'
/**
 * Code of BodyNotReplayableError: a retry was needed but the streamed body was already spent.
 *
 * @see https://fetch.spec.whatwg.org/#dom-requestinit-duplex
 */
export const ERR_API_BODY_NOT_REPLAYABLE = 'ERR_API_BODY_NOT_REPLAYABLE'

/**
 * Which Zoho product answered, judged by the path and the body's shape.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export type ZohoProduct = 'crm' | 'invoice' | 'books' | 'other'

/**
 * An API path was refused before anything was sent: absolute, scheme-relative, or climbing out of
 * the connection's API domain.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-5.2
 */
export class ApiPathError extends ZohoAuthError {
  override name = 'ApiPathError'
  readonly path: string

  constructor(path: string, reason: string) {
    super(ERR_API_PATH, `Refusing API path ${JSON.stringify(path)}: ${reason}`, {
      remedy:
        "Pass a path relative to the connection's API domain, such as /crm/v8/Leads or /invoice/v3/invoices; the client adds the domain of the connection's data centre.",
    })
    this.path = path
  }
}

/**
 * What a ZohoApiError carries about the call and Zoho's answer.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export interface ZohoApiErrorInit {
  connectionId: string
  /** `GET /crm/v8/org`: method and path, without the query. */
  request: string
  status: number
  product: ZohoProduct
  /** Zoho's code as sent: `INVALID_DATA` (CRM), `57` (Invoice/Books); undefined without one. */
  zohoCode: string | number | undefined
  zohoMessage: string | undefined
  details: Record<string, unknown> | undefined
  remedy: string
  cause?: unknown
}

/**
 * Zoho answered the call with an error: CRM's `{code, details, message, status: "error"}`,
 * Invoice/Books' `{code, message}` (any `code` but 0), a server error after the retries, or a
 * token refused again after the one refresh.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export class ZohoApiError extends ZohoAuthError {
  override name = 'ZohoApiError'
  readonly connectionId: string
  readonly status: number
  readonly product: ZohoProduct
  readonly zohoCode: string | number | undefined
  readonly zohoMessage: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(init: ZohoApiErrorInit) {
    const code = init.zohoCode === undefined ? '' : ` ${String(init.zohoCode)}`
    const said = init.zohoMessage ? ` (${init.zohoMessage})` : ''
    super(ERR_ZOHO_API, `${init.request} failed: HTTP ${init.status}${code}${said}`, {
      remedy: init.remedy,
      cause: init.cause,
    })
    this.connectionId = init.connectionId
    this.status = init.status
    this.product = init.product
    this.zohoCode = init.zohoCode
    this.zohoMessage = init.zohoMessage
    this.details = init.details
  }
}

/**
 * The grant behind the connection lacks the scope this API needs. Refreshing cannot help: a
 * refresh token keeps the scopes of its grant, so the user must grant again with more.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/scopes.html
 */
export class ApiScopeError extends ZohoAuthError {
  override name = 'ApiScopeError'
  readonly connectionId: string
  /** What the connection was granted. */
  readonly scopes: string[]
  /** The scope the call needs, when the caller named it. */
  readonly requiredScope: string | undefined
  readonly zohoCode: string | number | undefined

  constructor(init: {
    connectionId: string
    request: string
    scopes: string[]
    requiredScope?: string | undefined
    zohoCode: string | number | undefined
  }) {
    const granted = init.scopes.length > 0 ? init.scopes.join(',') : 'none recorded'
    const wanted = [...init.scopes, init.requiredScope ?? '<the scope this API needs>']
    super(
      ERR_API_SCOPE,
      `${init.request}: connection "${init.connectionId}" is not granted the scope this API needs${
        init.requiredScope ? ` (${init.requiredScope})` : ''
      }; it has ${granted}`,
      {
        remedy: `Grant access again with the scope added (a refresh keeps the old scopes): zoho-auth login --connection ${init.connectionId} --scopes ${[...new Set(wanted)].join(',')}`,
      },
    )
    this.connectionId = init.connectionId
    this.scopes = init.scopes
    this.requiredScope = init.requiredScope
    this.zohoCode = init.zohoCode
  }
}

/**
 * Zoho's API quota (credits per 24 h, or concurrent requests) refused the call, and its reset is
 * further away than the client is allowed to wait.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html
 */
export class ApiRateLimitError extends ZohoAuthError {
  override name = 'ApiRateLimitError'
  readonly connectionId: string
  /** Epoch ms from which Zoho should accept calls again; undefined when Zoho did not say. */
  readonly retryAt: number | undefined
  readonly limit: number | undefined

  constructor(init: {
    connectionId: string
    request: string
    retryAt: number | undefined
    limit: number | undefined
  }) {
    const when =
      init.retryAt === undefined
        ? 'Zoho did not say when to retry'
        : `retry after ${new Date(init.retryAt).toISOString()}`
    super(
      ERR_API_RATE_LIMITED,
      `${init.request}: Zoho's API limit for connection "${init.connectionId}" is reached (TOO_MANY_REQUESTS${
        init.limit === undefined ? '' : `, limit ${init.limit}`
      }); ${when}`,
      {
        remedy: `${
          init.retryAt === undefined
            ? 'Wait a minute, then retry (calls in flight free the concurrency limit as they end; spent daily credits come back over 24 hours).'
            : 'Wait until the retry time.'
        } Zoho counts API credits per organisation over 24 hours and caps concurrent calls by edition: send fewer, larger calls (up to 100 records each) and don't run many scripts at once.`,
      },
    )
    this.connectionId = init.connectionId
    this.retryAt = init.retryAt
    this.limit = init.limit
  }
}

/**
 * A retry was needed (refused token, rate limit, server error) but the body was a stream larger
 * than the replay buffer, already sent once. The token has been refreshed by then, so sending the
 * request again with a new stream works.
 *
 * @see https://fetch.spec.whatwg.org/#dom-requestinit-duplex
 */
export class BodyNotReplayableError extends ZohoAuthError {
  override name = 'BodyNotReplayableError'
  readonly connectionId: string
  /** Why a second attempt was needed: Zoho's code or the HTTP status. */
  readonly reason: string

  constructor(init: { connectionId: string; request: string; reason: string; limit: number }) {
    super(
      ERR_API_BODY_NOT_REPLAYABLE,
      `${init.request} needs to be sent again (${init.reason}), but its streamed body is larger than the ${init.limit}-byte replay buffer and was already sent`,
      {
        remedy:
          'Send the request again with a new stream (the client has already refreshed the token if that was the reason), or raise replayBufferBytes for bodies of this size.',
      },
    )
    this.connectionId = init.connectionId
    this.reason = init.reason
  }
}
