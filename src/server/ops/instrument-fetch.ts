/**
 * Counts the requests the broker sends to Zoho's token endpoint, by grant type, by wrapping the
 * `fetch` every part of the broker uses (the manager's and `deps.fetch`). Nothing of the request
 * is read but its path and its `grant_type`; the body is passed on untouched.
 */
import type { BrokerMetrics } from './metrics.js'

const TOKEN_PATH = /\/oauth\/v2\/token$/

function urlOf(input: Parameters<typeof fetch>[0]): URL | undefined {
  try {
    return new URL(input instanceof Request ? input.url : String(input))
  } catch {
    return undefined
  }
}

// The protocol layer sends its form as a string; URLSearchParams is read the same way.
function grantTypeOf(body: unknown): string {
  const form =
    typeof body === 'string'
      ? new URLSearchParams(body)
      : body instanceof URLSearchParams
        ? body
        : null
  return form?.get('grant_type') ?? 'other'
}

/** A fetch that counts token-endpoint requests in `metrics` and otherwise is `inner`. */
export function instrumentFetch(metrics: BrokerMetrics, inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const url = urlOf(input)
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    if (url !== undefined && method === 'POST' && TOKEN_PATH.test(url.pathname)) {
      metrics.countTokenEndpointRequest(grantTypeOf(init?.body))
    }
    return inner(input, init)
  }
}
