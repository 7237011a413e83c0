import { describe, it, expect } from 'vitest'
import {
  ERR_INSECURE_URL,
  ERR_TRANSPORT,
  ERR_UNEXPECTED_RESPONSE,
  ERR_ZOHO_OAUTH,
  ERR_ZOHO_THROTTLED,
  TransportError,
  UnexpectedResponseError,
  type ZohoAuthError,
  ZohoOAuthError,
  ZohoThrottledError,
} from './errors.js'
import { assertSecureURL, isLoopbackHost, requestJSON, sendRequest } from './http.js'

interface Call {
  url: string
  init: RequestInit | undefined
}

function fakeFetch(
  status: number,
  body: string,
  contentType = 'application/json;charset=UTF-8',
): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = []
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init })
    return new Response(body, { status, headers: { 'content-type': contentType } })
  }) as typeof fetch
  return { fetch: fetchImpl, calls }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

const TOKEN_URL = 'https://accounts.zoho.com/oauth/v2/token'
const post = { method: 'POST', url: TOKEN_URL, form: { a: 'b c' }, operation: 'refresh' } as const

describe('requestJSON', () => {
  it('requestJSON POSTs an urlencoded form and returns the JSON object', async () => {
    const { fetch, calls } = fakeFetch(200, '{"access_token":"x"}')
    const body = await requestJSON(post, { fetch })
    expect(body).toEqual({ access_token: 'x' })
    expect(calls[0]?.init?.method).toBe('POST')
    expect(calls[0]?.init?.body).toBe('a=b+c')
    const headers = calls[0]?.init?.headers as Record<string, string>
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded')
  })

  it('requestJSON treats HTTP 200 with an error body as an error (Zoho does this)', async () => {
    const { fetch } = fakeFetch(200, '{"error":"invalid_code"}')
    const error = await caught(requestJSON(post, { fetch }))
    expect(error).toBeInstanceOf(ZohoOAuthError)
    const oauth = error as ZohoOAuthError
    expect(oauth.code).toBe(ERR_ZOHO_OAUTH)
    expect(oauth.error).toBe('invalid_code')
    expect(oauth.status).toBe(200)
    expect(oauth.message).toBe(
      'refresh failed: invalid_code (the refresh token was revoked, or deleted by Zoho (it keeps 20 per user and client and drops the oldest), or belongs to another data centre)',
    )
    expect(oauth.remedy).toBe(
      'Grant access again to get a new refresh token; nothing retried with this one will work.',
    )
  })

  it('requestJSON maps an error body on HTTP 400 too', async () => {
    const { fetch } = fakeFetch(400, '{"error":"invalid_client"}')
    const error = (await caught(requestJSON(post, { fetch }))) as ZohoOAuthError
    expect(error.code).toBe(ERR_ZOHO_OAUTH)
    expect(error.status).toBe(400)
    expect(error.error).toBe('invalid_client')
  })

  it('requestJSON turns "Access Denied" into ZohoThrottledError and keeps its description', async () => {
    const description =
      'You have made too many requests continuously. Please try again after some time.'
    const { fetch } = fakeFetch(
      400,
      JSON.stringify({ error: 'Access Denied', error_description: description }),
    )
    const error = await caught(requestJSON(post, { fetch }))
    expect(error).toBeInstanceOf(ZohoThrottledError)
    const throttled = error as ZohoThrottledError
    expect(throttled.code).toBe(ERR_ZOHO_THROTTLED)
    expect(throttled.errorDescription).toBe(description)
    expect(throttled.message).toBe(
      `refresh failed: Access Denied (Zoho is throttling token requests for this refresh token or client) — ${description}`,
    )
  })

  it("requestJSON refuses Zoho's HTML roadblock page as UnexpectedResponseError", async () => {
    const html = '<!DOCTYPE html><html><head><title>Zoho Accounts</title></head><body>…</body>'
    const { fetch } = fakeFetch(200, html, 'text/html;charset=UTF-8')
    const error = await caught(requestJSON(post, { fetch }))
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    const unexpected = error as UnexpectedResponseError
    expect(unexpected.code).toBe(ERR_UNEXPECTED_RESPONSE)
    expect(unexpected.status).toBe(200)
    expect(unexpected.contentType).toBe('text/html;charset=UTF-8')
    expect(unexpected.message).toBe(
      `refresh got an unexpected response from Zoho: HTTP 200 text/html;charset=UTF-8: ${html}`,
    )
  })

  it('requestJSON refuses JSON that is not an object, and an empty body', async () => {
    for (const text of ['[1]', '"ok"', '', 'null']) {
      const { fetch } = fakeFetch(200, text)
      const error = (await caught(requestJSON(post, { fetch }))) as ZohoAuthError
      expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
    }
  })

  it('requestJSON refuses a non-2xx JSON answer without an error field', async () => {
    const { fetch } = fakeFetch(502, '{"message":"bad gateway"}')
    const error = (await caught(requestJSON(post, { fetch }))) as UnexpectedResponseError
    expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
    expect(error.status).toBe(502)
  })

  it('requestJSON redacts tokens out of an unexpected body', async () => {
    const token = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`
    const { fetch } = fakeFetch(500, `<p>${token}</p>`, 'text/html')
    const error = (await caught(requestJSON(post, { fetch }))) as UnexpectedResponseError
    expect(error.message).not.toContain(token)
    expect(error.bodyExcerpt).not.toContain(token)
  })
})

describe('sendRequest', () => {
  it('sendRequest times out a fetch that never answers (TransportError, timeout: true)', async () => {
    const never = (() => new Promise<Response>(() => {})) as typeof fetch
    const error = await caught(sendRequest(post, { fetch: never, timeoutMs: 20 }))
    expect(error).toBeInstanceOf(TransportError)
    const transport = error as TransportError
    expect(transport.code).toBe(ERR_TRANSPORT)
    expect(transport.timeout).toBe(true)
    expect(transport.message).toBe('refresh to https://accounts.zoho.com/oauth/v2/token timed out')
  })

  it('sendRequest maps a network failure to TransportError, timeout: false', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed')
    }) as typeof fetch
    const error = (await caught(sendRequest(post, { fetch: failing }))) as TransportError
    expect(error.code).toBe(ERR_TRANSPORT)
    expect(error.timeout).toBe(false)
    expect(error.message).toBe(
      'refresh to https://accounts.zoho.com/oauth/v2/token failed before Zoho answered',
    )
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  it("sendRequest rethrows the caller's abort reason, not a TransportError", async () => {
    const never = (() => new Promise<Response>(() => {})) as typeof fetch
    const controller = new AbortController()
    const reason = new Error('stopped by caller')
    const pending = caught(sendRequest(post, { fetch: never, signal: controller.signal }))
    controller.abort(reason)
    expect(await pending).toBe(reason)
  })

  it('sendRequest passes a signal to fetch', async () => {
    const { fetch, calls } = fakeFetch(200, '{}')
    await sendRequest(post, { fetch })
    expect(calls[0]?.init?.signal).toBeInstanceOf(AbortSignal)
  })

  it('sendRequest refuses http:// without allowInsecureHTTP', async () => {
    const { fetch, calls } = fakeFetch(200, '{}')
    const request = { ...post, url: 'http://127.0.0.1:9999/us/accounts/oauth/v2/token' }
    const error = (await caught(sendRequest(request, { fetch }))) as ZohoAuthError
    expect(error.code).toBe(ERR_INSECURE_URL)
    expect(error.message).toBe(
      'Refusing to send credentials over plain HTTP to http://127.0.0.1:9999',
    )
    expect(calls).toHaveLength(0)
  })

  it('sendRequest allows http:// to loopback with allowInsecureHTTP', async () => {
    const { fetch, calls } = fakeFetch(200, '{}')
    const request = { ...post, url: 'http://127.0.0.1:9999/us/accounts/oauth/v2/token' }
    await sendRequest(request, { fetch, allowInsecureHTTP: true })
    expect(calls).toHaveLength(1)
  })
})

describe('assertSecureURL', () => {
  it('assertSecureURL refuses http:// to a non-loopback host even with allowInsecureHTTP', () => {
    expect(() => assertSecureURL('http://accounts.zoho.com/oauth/v2/token', true)).toThrow(
      'Refusing to send credentials over plain HTTP to http://accounts.zoho.com',
    )
  })

  it('assertSecureURL refuses other schemes and garbage', () => {
    expect(() => assertSecureURL('ftp://accounts.zoho.com', true)).toThrow(
      'Unsupported URL scheme ftp:',
    )
    expect(() => assertSecureURL('accounts.zoho.com')).toThrow(
      '"accounts.zoho.com" is not a valid URL',
    )
  })

  it('assertSecureURL accepts https:// and loopback http:// when allowed', () => {
    expect(assertSecureURL('https://accounts.zoho.eu').origin).toBe('https://accounts.zoho.eu')
    expect(assertSecureURL('http://localhost:3000/x', true).port).toBe('3000')
    expect(assertSecureURL('http://[::1]:3000/x', true).hostname).toBe('[::1]')
  })
})

describe('isLoopbackHost', () => {
  it('isLoopbackHost knows 127.0.0.0/8, localhost and ::1', () => {
    expect(
      ['127.0.0.1', '127.5.6.7', 'localhost', 'LOCALHOST', '::1', '[::1]'].map(isLoopbackHost),
    ).toEqual([true, true, true, true, true, true])
    expect(
      ['128.0.0.1', 'localhost.evil.example', '10.0.0.1', '127.0.0.1.nip.io'].map(isLoopbackHost),
    ).toEqual([false, false, false, false])
  })
})
