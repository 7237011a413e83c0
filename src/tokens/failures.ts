/**
 * What a failed token request means for the token manager. Internal to src/tokens; see
 * docs/architecture.md, "How a token is served".
 */
import { TransportError, UnexpectedResponseError, ZohoOAuthError } from '../protocol/index.js'

/** Worth another attempt within the deadline: no answer, an answer that is not JSON, a 5xx. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TransportError || error instanceof UnexpectedResponseError) return true
  return error instanceof ZohoOAuthError && error.status >= 500
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
