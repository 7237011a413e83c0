/**
 * What a failed token request means for the token manager: worth another attempt, and whether it
 * can have minted a token at Zoho. Internal to src/tokens; see docs/architecture.md, "How a token
 * is served".
 */
import {
  ERR_INSECURE_URL,
  TransportError,
  UnexpectedResponseError,
  ZohoAuthError,
  ZohoOAuthError,
} from '../protocol/index.js'

/** Worth another attempt within the deadline: no answer, an answer that is not JSON, a 5xx. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TransportError || error instanceof UnexpectedResponseError) return true
  return error instanceof ZohoOAuthError && error.status >= 500
}

/**
 * System error codes of a request that never reached a server: no connection (refused, no such
 * host, no route), or a TLS handshake that failed before anything was sent over it.
 */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/**
 * Whether a failed token request provably minted nothing at Zoho, so its mint goes back to the
 * budget: it was never sent (refused before sending, no connection), or what came back is no
 * token (Zoho's error JSON, a 4xx, a 500 or 503 from the accounts server). A request whose
 * outcome is unknown still counts: a timeout after it was sent, a connection cut mid-answer, a
 * 502/504 (a gateway may have passed it on and lost the answer), or anything else.
 */
export function mintedNothing(error: unknown): boolean {
  if (error instanceof ZohoOAuthError) return true
  if (error instanceof UnexpectedResponseError) {
    return (
      error.status === 500 || error.status === 503 || (error.status >= 400 && error.status < 500)
    )
  }
  if (error instanceof TransportError) {
    return !error.timeout && systemCodes(error.cause).some((code) => NEVER_SENT.has(code))
  }
  return error instanceof ZohoAuthError && error.code === ERR_INSECURE_URL
}

/** The `code`s along an error's cause chain (undici nests the system error, maybe aggregated). */
function systemCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return []
  const codes: string[] = []
  if ('code' in error && typeof error.code === 'string') codes.push(error.code)
  if (error instanceof AggregateError) {
    for (const inner of error.errors) codes.push(...systemCodes(inner, depth + 1))
  }
  if ('cause' in error) codes.push(...systemCodes(error.cause, depth + 1))
  return codes
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
