/**
 * CRM's API quotas (docs/zoho-behaviour.md §5): credits per rolling 24 h and a cap on concurrent
 * requests, both refused with 429 `TOO_MANY_REQUESTS` and `X-RATELIMIT-*` headers. Counted per
 * client per DC, the emulator's stand-in for an org (§7). Runs before the fault middleware, so an
 * injected latency keeps a request in flight.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { presentedToken } from '../bearer.js'
import type { EmulatorContext } from '../context.js'
import { isDc } from '../dcs.js'
import { liveAccessToken } from '../tokens.js'

const DAY_MS = 86_400_000

function tooManyRequests(
  c: Context,
  message: string,
  headers: { limit: number; reset: number },
): Response {
  // The messages are inferred: Zoho documents the code and headers, not the text.
  return c.json({ code: 'TOO_MANY_REQUESTS', details: {}, message, status: 'error' }, 429, {
    'X-RATELIMIT-LIMIT': String(headers.limit),
    'X-RATELIMIT-REMAINING': '0',
    'X-RATELIMIT-RESET': String(headers.reset),
  })
}

export function apiQuotaMiddleware(ctx: EmulatorContext): MiddlewareHandler {
  return async (c, next) => {
    const { api_concurrency_limit: concurrency, api_credits_per_day: credits } = ctx.settings
    const dc = c.req.param('dc')
    if ((concurrency === 0 && credits === 0) || !isDc(dc)) return next()
    const token = presentedToken(c, ['Zoho-oauthtoken'])
    const at = token ? liveAccessToken(ctx, token, dc) : undefined
    // A bad token gets its 401 from the route, without spending a credit.
    if (!at) return next()
    // Captured, so a reset during a slow request does not corrupt the fresh state.
    const state = ctx.state
    const key = `${dc}|${at.clientId}`
    const now = ctx.clock.now()
    const times = (state.apiCreditTimes.get(key) ?? []).filter((t) => now - t < DAY_MS)
    state.apiCreditTimes.set(key, times)
    const inFlight = state.apiInFlight.get(key) ?? 0
    const refuse = (message: string, limit: number, reset: number): Response => {
      ctx.stats.count('api', dc, at.clientId)
      return tooManyRequests(c, message, { limit, reset })
    }
    if (credits > 0 && times.length >= credits) {
      return refuse('API credits exhausted for the day', credits, (times[0] ?? now) + DAY_MS)
    }
    if (concurrency > 0 && inFlight >= concurrency) {
      return refuse('Concurrency limit exceeded', concurrency, now)
    }
    if (credits > 0) times.push(now)
    state.apiInFlight.set(key, inFlight + 1)
    try {
      await next()
    } finally {
      state.apiInFlight.set(key, (state.apiInFlight.get(key) ?? 1) - 1)
    }
    if (credits > 0) {
      c.res.headers.set('X-RATELIMIT-LIMIT', String(credits))
      c.res.headers.set('X-RATELIMIT-REMAINING', String(credits - times.length))
      c.res.headers.set('X-RATELIMIT-RESET', String((times[0] ?? now) + DAY_MS))
    }
  }
}
