/**
 * Sending one built request and reading its answer within a timeout. A network failure or a
 * timeout becomes the protocol's TransportError; the caller's own abort is rethrown as is.
 */
import { TransportError } from '../protocol/errors.js'
import type { BuiltApiRequest } from './request.js'
import { readApiAnswer, type ApiAnswer } from './response.js'

/**
 * @internal How one attempt is sent.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static
 */
export interface SendOptions {
  fetch: typeof fetch
  timeoutMs: number
  signal?: AbortSignal | undefined
}

/**
 * @internal Sends `request` and reads the whole answer before the timeout.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/any_static
 */
export async function sendApiRequest(
  request: BuiltApiRequest,
  options: SendOptions,
): Promise<ApiAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal,
    // A redirect would carry the token to wherever Zoho's answer points.
    redirect: 'manual',
  }
  if (request.duplex) init.duplex = request.duplex
  const exchange = async (): Promise<ApiAnswer> =>
    readApiAnswer(await options.fetch(request.url, init))
  // Race the abort too: a fetch (or a body) that ignores its signal must still time out.
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  const pending = exchange()
  pending.catch(() => undefined)
  aborted.catch(() => undefined)
  try {
    return await Promise.race([pending, aborted])
  } catch (cause) {
    if (options.signal?.aborted) throw options.signal.reason
    throw new TransportError({
      url: request.url.href,
      timeout: timeout.aborted,
      operation: request.description,
      cause,
    })
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}
