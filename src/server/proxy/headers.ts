/**
 * Which headers cross the proxy. Hop-by-hop headers belong to one connection and are dropped
 * both ways (with whatever `Connection` names); the caller's credentials for the broker
 * (`Authorization`, `Cookie`) never reach Zoho, and Zoho's cookies never reach the caller.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1
 */

/** Hop-by-hop headers (RFC 9110 §7.6.1, and the older Keep-Alive and Proxy-* ones). */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]

// Ours, not the caller's to pass on: the broker's credentials, the host (fetch sets the API's),
// the length (the body is streamed again), the encoding fetch negotiates for itself, and
// `Expect: 100-continue` — a handshake with the broker's own server, already answered; fetch
// refuses a request that carries it, and curl adds it to every body over 1 MiB.
const NOT_FORWARDED = [
  'authorization',
  'cookie',
  'host',
  'content-length',
  'accept-encoding',
  'expect',
]

function dropHopByHop(headers: Headers): void {
  const named = (headers.get('connection') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
  for (const name of [...HOP_BY_HOP, ...named]) headers.delete(name)
}

/** The caller's headers as they may go to Zoho. */
export function forwardedRequestHeaders(incoming: Headers): Headers {
  const headers = new Headers(incoming)
  dropHopByHop(headers)
  for (const name of NOT_FORWARDED) headers.delete(name)
  return headers
}

/**
 * Zoho's headers as they may go back to the caller. fetch has already decoded a compressed
 * body, so its Content-Encoding and Content-Length no longer describe what we pass on.
 */
export function returnedResponseHeaders(upstream: Headers): Headers {
  const headers = new Headers(upstream)
  dropHopByHop(headers)
  headers.delete('set-cookie')
  if (headers.has('content-encoding')) {
    headers.delete('content-encoding')
    headers.delete('content-length')
  }
  return headers
}
