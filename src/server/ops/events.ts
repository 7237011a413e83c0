/**
 * Turns the token manager's events into metrics and webhooks. Returns the unsubscribe.
 * Placeholder until the ops work lands.
 */
import type { BrokerDeps } from '../deps.js'

export function attachOps(_deps: BrokerDeps): () => void {
  return () => undefined
}
