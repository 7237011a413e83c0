import { describe, expect, it } from 'vitest'
import { rateLimitResetAt } from './rate-limit.js'
import { classifyApiAnswer, productOf, readApiAnswer, type ApiAnswer } from './response.js'

const NOW = 1_750_000_000_000

function answer(status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer {
  return { status, headers: new Headers(headers), body }
}

const crm = (code: string, message = ''): Record<string, unknown> => ({
  code,
  details: {},
  message,
  status: 'error',
})

describe('classifyApiAnswer', () => {
  it('classifyApiAnswer: CRM INVALID_TOKEN and AUTHENTICATION_FAILURE both mean refresh once', () => {
    expect(classifyApiAnswer(answer(401, crm('INVALID_TOKEN')), NOW).kind).toBe('token_refused')
    expect(classifyApiAnswer(answer(401, crm('AUTHENTICATION_FAILURE')), NOW)).toEqual({
      kind: 'token_refused',
      zohoCode: 'AUTHENTICATION_FAILURE',
      zohoMessage: undefined,
    })
  })

  it('classifyApiAnswer: Invoice code 14 is a refused token, 57 with 401 a missing scope, 57 with 403 a permission', () => {
    expect(
      classifyApiAnswer(answer(401, { code: 14, message: 'Invalid oauth token' }), NOW).kind,
    ).toBe('token_refused')
    expect(classifyApiAnswer(answer(401, { code: 57, message: 'not authorized' }), NOW).kind).toBe(
      'scope_mismatch',
    )
    expect(
      classifyApiAnswer(answer(403, { code: 57, message: 'not authorized' }), NOW),
    ).toMatchObject({
      kind: 'error',
      zohoCode: 57,
    })
  })

  it('classifyApiAnswer: OAUTH_SCOPE_MISMATCH is a missing scope, never a refresh', () => {
    expect(classifyApiAnswer(answer(401, crm('OAUTH_SCOPE_MISMATCH')), NOW).kind).toBe(
      'scope_mismatch',
    )
  })

  it('classifyApiAnswer: an Invoice error with HTTP 200 is an error (the body decides)', () => {
    expect(
      classifyApiAnswer(answer(200, { code: 2, message: 'Invalid value passed for x' }), NOW),
    ).toEqual({
      kind: 'error',
      zohoCode: 2,
      zohoMessage: 'Invalid value passed for x',
      details: undefined,
    })
    expect(classifyApiAnswer(answer(201, { code: 0, message: 'ok', invoice: {} }), NOW).kind).toBe(
      'ok',
    )
  })

  it('classifyApiAnswer: a CRM batch whose records all failed (HTTP 400) is an answer with per-record results', () => {
    const body = {
      data: [
        {
          code: 'MANDATORY_NOT_FOUND',
          details: { api_name: 'Last_Name' },
          message: 'required field not found',
          status: 'error',
        },
      ],
    }
    expect(classifyApiAnswer(answer(400, body), NOW).kind).toBe('ok')
    expect(classifyApiAnswer(answer(207, body), NOW).kind).toBe('ok')
  })

  it('classifyApiAnswer: a CRM request-level error keeps its code, message and details', () => {
    const body = {
      code: 'LIMIT_EXCEEDED',
      details: { limit: 100 },
      message: 'limit exceeded',
      status: 'error',
    }
    expect(classifyApiAnswer(answer(400, body), NOW)).toEqual({
      kind: 'error',
      zohoCode: 'LIMIT_EXCEEDED',
      zohoMessage: 'limit exceeded',
      details: { limit: 100 },
    })
  })

  it('classifyApiAnswer: 429 reads X-RATELIMIT-RESET and the limit', () => {
    const verdict = classifyApiAnswer(
      answer(429, crm('TOO_MANY_REQUESTS'), {
        'X-RATELIMIT-LIMIT': '5000',
        'X-RATELIMIT-RESET': String(NOW + 3000),
      }),
      NOW,
    )
    expect(verdict).toEqual({ kind: 'rate_limited', retryAt: NOW + 3000, limit: 5000 })
  })

  it('classifyApiAnswer: 500/502/503/504 are server errors; 501 and 404 are not worth retrying', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(classifyApiAnswer(answer(status, 'Service Unavailable'), NOW).kind).toBe(
        'server_error',
      )
    }
    expect(classifyApiAnswer(answer(501, undefined), NOW).kind).toBe('error')
    expect(classifyApiAnswer(answer(404, crm('INVALID_URL_PATTERN')), NOW)).toMatchObject({
      kind: 'error',
      zohoCode: 'INVALID_URL_PATTERN',
    })
  })

  it('classifyApiAnswer: a non-JSON error page is an error with a redacted excerpt, never a refresh', () => {
    const verdict = classifyApiAnswer(
      answer(
        401,
        '<html>token 1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef</html>',
      ),
      NOW,
    )
    expect(verdict.kind).toBe('error')
    expect(JSON.stringify(verdict)).not.toContain('0123456789abcdef0123456789abcdef.0123')
  })

  it('classifyApiAnswer: a success, an empty 204 and a CRM per-record success are ok', () => {
    expect(classifyApiAnswer(answer(200, { users: [] }), NOW).kind).toBe('ok')
    expect(classifyApiAnswer(answer(204, undefined), NOW).kind).toBe('ok')
    expect(
      classifyApiAnswer(
        answer(200, { code: 'SUCCESS', details: {}, message: 'done', status: 'success' }),
        NOW,
      ).kind,
    ).toBe('ok')
  })
})

describe('rateLimitResetAt', () => {
  it('rateLimitResetAt: reads epoch ms, epoch seconds, seconds from now, and Retry-After', () => {
    const at = (headers: Record<string, string>): number | undefined =>
      rateLimitResetAt(new Headers(headers), NOW)
    expect(at({ 'X-RATELIMIT-RESET': String(NOW + 5000) })).toBe(NOW + 5000)
    expect(at({ 'X-RATELIMIT-RESET': String(NOW / 1000 + 5) })).toBe(NOW + 5000)
    expect(at({ 'X-RATELIMIT-RESET': '5' })).toBe(NOW + 5000)
    expect(at({ 'Retry-After': '7' })).toBe(NOW + 7000)
    expect(at({ 'Retry-After': new Date(NOW + 9000).toUTCString() })).toBe(NOW + 9000)
    expect(at({})).toBeUndefined()
    expect(at({ 'X-RATELIMIT-RESET': 'soon' })).toBeUndefined()
  })
})

describe('readApiAnswer', () => {
  it('readApiAnswer: parses JSON, keeps text, and leaves an empty body undefined', async () => {
    expect((await readApiAnswer(new Response('{"a":1}'))).body).toEqual({ a: 1 })
    expect((await readApiAnswer(new Response('a,b\n1,2'))).body).toBe('a,b\n1,2')
    expect((await readApiAnswer(new Response(null, { status: 204 }))).body).toBeUndefined()
  })
})

describe('productOf', () => {
  it('productOf: names the product by the first path segment', () => {
    expect(productOf('/crm/v8/Leads')).toBe('crm')
    expect(productOf('/invoice/v3/invoices')).toBe('invoice')
    expect(productOf('/books/v3/invoices')).toBe('books')
    expect(productOf('/desk/v1/tickets')).toBe('other')
  })
})
