/**
 * Processing an API answer, apart from sending the request (so the broker's proxy can reuse it):
 * read the body once, then classify it by its body first and its status second — Invoice and
 * Books put errors in `{code, message}` whatever the status, and a CRM batch that failed record by
 * record answers 400 with per-record results that are an answer, not an error.
 */
import { redact } from '../protocol/redact.js'
import type { ZohoProduct } from './errors.js'
import { rateLimitLimit, rateLimitResetAt } from './rate-limit.js'

/**
 * An API answer with its body read: parsed JSON when it is JSON, else the text.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export interface ApiAnswer {
  status: number
  headers: Headers
  /** Parsed JSON, the text when it is not JSON, or undefined for an empty body. */
  body: unknown
}

/**
 * What to do with an answer.
 *
 * - `ok`: Zoho processed the call (a CRM batch's per-record failures included).
 * - `token_refused`: `INVALID_TOKEN` / `AUTHENTICATION_FAILURE` (Invoice: 14) — refresh once.
 * - `scope_mismatch`: `OAUTH_SCOPE_MISMATCH` (Invoice: 57 with 401) — a new grant, no refresh.
 * - `rate_limited`: `TOO_MANY_REQUESTS` / 429, with when the quota resets.
 * - `server_error`: 500/502/503/504 — worth retrying when the method is idempotent.
 * - `error`: anything else Zoho refused.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export type ApiVerdict =
  | { kind: 'ok' }
  | { kind: 'token_refused'; zohoCode: string | number; zohoMessage: string | undefined }
  | { kind: 'scope_mismatch'; zohoCode: string | number; zohoMessage: string | undefined }
  | { kind: 'rate_limited'; retryAt: number | undefined; limit: number | undefined }
  | ({ kind: 'server_error' } & ZohoErrorBody)
  | ({ kind: 'error' } & ZohoErrorBody)

/**
 * Zoho's error as its body states it.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export interface ZohoErrorBody {
  zohoCode: string | number | undefined
  zohoMessage: string | undefined
  details: Record<string, unknown> | undefined
}

// CRM's two codes for a token it no longer accepts (docs/zoho-behaviour.md §5, §6.8); Zoho's
// pages also spell it INVALID_OAUTHTOKEN, accounts' user/info invalid_oauthtoken, Desk
// INVALID_OAUTH; Invoice and Books answer 14.
const TOKEN_CODES = new Set<string | number>([
  'INVALID_TOKEN',
  'AUTHENTICATION_FAILURE',
  'INVALID_OAUTHTOKEN',
  'invalid_oauthtoken',
  'INVALID_OAUTH',
  14,
])
const SCOPE_CODES = new Set<string | number>(['OAUTH_SCOPE_MISMATCH', 'invalid_oauthscope'])
// Invoice and Books answer a missing scope with 57 "not authorized" and HTTP 401; with 403 the
// same code means the user's role lacks the permission, which a new grant does not fix.
const INVOICE_NOT_AUTHORIZED = 57
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504])

/**
 * The product a path belongs to: `/crm/…`, `/invoice/…`, `/books/…`.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-collection.html
 */
export function productOf(pathname: string): ZohoProduct {
  const first = pathname.split('/').find((segment) => segment !== '')
  return first === 'crm' || first === 'invoice' || first === 'books' ? first : 'other'
}

/**
 * Reads a fetch Response's body once: JSON when it parses, else the text.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/API/Response/text
 */
export async function readApiAnswer(response: Response): Promise<ApiAnswer> {
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: parseBody(text) }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function objectOf(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Zoho's error in `body`, whichever product's format it is in, or undefined when the body states
 * none (a success, or a CRM batch of per-record results).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 * @see https://www.zoho.com/invoice/api/v3/errors/
 */
export function zohoErrorOf(status: number, body: unknown): ZohoErrorBody | undefined {
  const object = objectOf(body)
  const ok = status >= 200 && status <= 299
  if (object === undefined) {
    if (ok) return undefined
    const excerpt =
      typeof body === 'string' ? redact(body.replace(/\s+/g, ' ').slice(0, 200)) : undefined
    return { zohoCode: undefined, zohoMessage: excerpt, details: undefined }
  }
  const details = objectOf(object.details)
  // Invoice/Books: `code` 0 is success; any other number is an error, even with HTTP 200.
  if (typeof object.code === 'number') {
    if (object.code === 0) return undefined
    return { zohoCode: object.code, zohoMessage: textOf(object.message), details }
  }
  // CRM: {"code","details","message","status":"error"}; a per-record result says "success".
  if (
    typeof object.code === 'string' &&
    (object.status === 'error' || (!ok && object.status !== 'success'))
  ) {
    return { zohoCode: object.code, zohoMessage: textOf(object.message), details }
  }
  // Accounts (`user/info`) and Desk spell theirs differently.
  const flat = textOf(object.error) ?? textOf(object.errorCode)
  if (flat !== undefined) {
    return {
      zohoCode: flat,
      zohoMessage: textOf(object.error_description) ?? textOf(object.message),
      details,
    }
  }
  if (ok || isRecordBatch(object)) return undefined
  return { zohoCode: undefined, zohoMessage: undefined, details: undefined }
}

/** CRM's per-record answers: `{"data":[{code,status,…}]}` (records) or `{"fields":[…]}`. */
function isRecordBatch(object: Record<string, unknown>): boolean {
  const list = Array.isArray(object.data) ? object.data : object.fields
  return (
    Array.isArray(list) &&
    list.length > 0 &&
    list.every((entry) => {
      const result = objectOf(entry)
      return (
        result !== undefined && typeof result.code === 'string' && typeof result.status === 'string'
      )
    })
  )
}

/**
 * Decides what an answer means for the caller (see ApiVerdict). Pure: the client and the proxy
 * call it on answers they read themselves.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export function classifyApiAnswer(answer: ApiAnswer, now: number): ApiVerdict {
  const error = zohoErrorOf(answer.status, answer.body)
  const code = error?.zohoCode
  if (error === undefined) return { kind: 'ok' }
  if (code !== undefined && TOKEN_CODES.has(code)) {
    return { kind: 'token_refused', zohoCode: code, zohoMessage: error.zohoMessage }
  }
  if (
    code !== undefined &&
    (SCOPE_CODES.has(code) || (code === INVOICE_NOT_AUTHORIZED && answer.status === 401))
  ) {
    return { kind: 'scope_mismatch', zohoCode: code, zohoMessage: error.zohoMessage }
  }
  if (answer.status === 429 || code === 'TOO_MANY_REQUESTS') {
    return {
      kind: 'rate_limited',
      retryAt: rateLimitResetAt(answer.headers, now),
      limit: rateLimitLimit(answer.headers),
    }
  }
  if (TRANSIENT_STATUSES.has(answer.status)) return { kind: 'server_error', ...error }
  return { kind: 'error', ...error }
}
