/**
 * Every error the broker's API answers is JSON of one shape, `{error: {code, message, remedy}}`,
 * with a stable `code` to branch on. Errors the library throws keep their own code and remedy;
 * the broker's own codes are below.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ZohoAuthError } from '../protocol/errors.js'
import { redact } from '../protocol/redact.js'

export const ERR_UNAUTHORIZED = 'ERR_UNAUTHORIZED'
export const ERR_FORBIDDEN = 'ERR_FORBIDDEN'
export const ERR_NOT_FOUND = 'ERR_NOT_FOUND'
export const ERR_BAD_REQUEST = 'ERR_BAD_REQUEST'
export const ERR_PAYLOAD_TOO_LARGE = 'ERR_PAYLOAD_TOO_LARGE'
export const ERR_INTERNAL = 'ERR_INTERNAL'

export interface ApiErrorBody {
  error: { code: string; message: string; remedy: string }
}

/** An error a route throws to answer with a given status; `onError` renders it. */
export class BrokerHttpError extends ZohoAuthError {
  override name = 'BrokerHttpError'
  readonly status: ContentfulStatusCode

  constructor(status: ContentfulStatusCode, code: string, message: string, remedy: string) {
    super(code, message, { remedy })
    this.status = status
  }
}

// The library's errors, by what the caller did wrong (4xx) or what failed upstream (5xx).
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  ERR_CONNECTION_NOT_FOUND: 404,
  ERR_CONNECTION_EXISTS: 409,
  ERR_CONNECTION_REGRANTED: 409,
  ERR_NEEDS_REAUTH: 409,
  ERR_CONNECTION_REVOKED: 409,
  ERR_NO_REFRESH_TOKEN: 409,
  ERR_CREDENTIAL_FORMAT: 400,
  ERR_API_PATH: 400,
  ERR_API_BODY_NOT_REPLAYABLE: 400,
  ERR_UNKNOWN_DATA_CENTER: 400,
  ERR_OAUTH_CALLBACK: 400,
  ERR_ZOHO_OAUTH: 400,
  ERR_API_SCOPE: 403,
  ERR_TOKEN_THROTTLED: 429,
  ERR_ZOHO_THROTTLED: 429,
  ERR_API_RATE_LIMITED: 429,
  ERR_CLIENT_NOT_CONFIGURED: 503,
  ERR_STORE: 503,
  ERR_ENCRYPTION_KEY: 503,
  ERR_UNTRUSTED_API_DOMAIN: 502,
  ERR_UNTRUSTED_ACCOUNTS_SERVER: 502,
  ERR_UNEXPECTED_RESPONSE: 502,
  ERR_TRANSPORT: 502,
  ERR_REVOKE_FAILED: 502,
  ERR_ZOHO_API: 502,
  ERR_REFRESH_TIMEOUT: 504,
}

/** The status and body for any thrown value; unknown errors say nothing of their insides. */
export function describeError(error: unknown): {
  status: ContentfulStatusCode
  body: ApiErrorBody
} {
  if (error instanceof BrokerHttpError) {
    return { status: error.status, body: bodyOf(error.code, error.message, error.remedy) }
  }
  if (error instanceof ZohoAuthError) {
    const status = STATUS_BY_CODE[error.code] ?? 500
    return { status, body: bodyOf(error.code, error.message, error.remedy) }
  }
  return {
    status: 500,
    body: bodyOf(
      ERR_INTERNAL,
      'The broker failed unexpectedly',
      'Try again; if it keeps failing, look for this request in the broker log.',
    ),
  }
}

function bodyOf(code: string, message: string, remedy: string): ApiErrorBody {
  return { error: { code, message: redact(message), remedy: redact(remedy) } }
}

/** Answers `c` with an error body. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  remedy: string,
): Response {
  return c.json(bodyOf(code, message, remedy), status)
}
