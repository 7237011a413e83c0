/**
 * When Zoho's API quota lets a call through again. CRM sends `X-RATELIMIT-RESET` with its 429
 * `TOO_MANY_REQUESTS` (docs/zoho-behaviour.md §5) but its pages do not pin the unit, so the
 * value is read by its size: epoch milliseconds (what the emulator sends), epoch seconds, or
 * seconds from now. `Retry-After` (seconds or an HTTP date) is the fallback.
 */

/** Anything with `get(name)`: a fetch `Headers`, or a proxy's own header map. */
export interface HeaderLookup {
  get(name: string): string | null
}

// Epoch ms passed 1e12 in 2001; epoch seconds pass 1e9 in 2001: anything smaller is a delay.
const EPOCH_MS = 1e12
const EPOCH_S = 1e9

/**
 * Epoch ms at which the quota resets, or undefined when the answer does not say.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function rateLimitResetAt(headers: HeaderLookup, now: number): number | undefined {
  const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN)
  if (Number.isFinite(reset) && reset >= 0) {
    if (reset >= EPOCH_MS) return reset
    if (reset >= EPOCH_S) return reset * 1000
    return now + reset * 1000
  }
  const retryAfter = headers.get('retry-after')
  if (retryAfter === null || retryAfter.trim() === '') return undefined
  const seconds = Number(retryAfter)
  if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000
  const date = Date.parse(retryAfter)
  return Number.isNaN(date) ? undefined : date
}

/**
 * `X-RATELIMIT-LIMIT`, when present and a number.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html
 */
export function rateLimitLimit(headers: HeaderLookup): number | undefined {
  const limit = Number(headers.get('x-ratelimit-limit') ?? Number.NaN)
  return Number.isFinite(limit) ? limit : undefined
}
