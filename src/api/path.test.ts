import { describe, expect, it } from 'vitest'
import { ApiPathError, ERR_API_PATH } from './errors.js'
import { parseApiPath, resolveApiURL } from './path.js'

const ZOHO = 'https://www.zohoapis.eu'
// The emulator's API domain carries a path of its own: climbing out of it reaches another DC.
const EMULATOR = 'http://127.0.0.1:3002/eu/api'

function refusal(path: string): ApiPathError {
  try {
    resolveApiURL(EMULATOR, path)
  } catch (error) {
    if (error instanceof ApiPathError) return error
    throw error
  }
  throw new Error(`accepted ${path}`)
}

describe('resolveApiURL', () => {
  it('resolveApiURL: puts a relative path under the API domain, with or without a leading slash', () => {
    expect(resolveApiURL(ZOHO, '/crm/v8/org').href).toBe('https://www.zohoapis.eu/crm/v8/org')
    expect(resolveApiURL(ZOHO, 'crm/v8/org').href).toBe('https://www.zohoapis.eu/crm/v8/org')
    expect(resolveApiURL(EMULATOR, '/crm/v8/org').href).toBe(
      'http://127.0.0.1:3002/eu/api/crm/v8/org',
    )
    expect(resolveApiURL(`${EMULATOR}/`, 'crm/v8/org').href).toBe(
      'http://127.0.0.1:3002/eu/api/crm/v8/org',
    )
  })

  it('resolveApiURL: keeps the query of the path and merges the query option over it', () => {
    const url = resolveApiURL(ZOHO, '/crm/v8/settings/fields?module=Leads&x=1', {
      module: 'Deals',
      skip: undefined,
      fields: ['a', 'b'],
    })
    expect(url.pathname).toBe('/crm/v8/settings/fields')
    expect([...url.searchParams.entries()]).toEqual([
      ['x', '1'],
      ['module', 'Deals'],
      ['fields', 'a'],
      ['fields', 'b'],
    ])
  })

  it('resolveApiURL: an "@" or "//" in the query stays in the query', () => {
    const url = resolveApiURL(ZOHO, '/invoice/v3/contacts?email=ada@example.com&next=//x')
    expect(url.origin).toBe(ZOHO)
    expect(url.searchParams.get('email')).toBe('ada@example.com')
  })

  it('resolveApiURL: percent-encodes what a path must not carry raw, never re-targeting the host', () => {
    expect(resolveApiURL(ZOHO, '/crm/v8/Leads/search word').pathname).toBe(
      '/crm/v8/Leads/search%20word',
    )
    expect(resolveApiURL(ZOHO, '/crm/v8/Leads/a%20b').pathname).toBe('/crm/v8/Leads/a%20b')
  })

  it.each([
    ['an absolute URL', 'https://evil.example/crm/v8/org'],
    ['an absolute URL in another case', 'HTTP://evil.example/'],
    ['another scheme', 'javascript:alert(1)'],
    ['a scheme-relative URL', '//evil.example/crm/v8/org'],
    ['user info', '@evil.example/crm/v8/org'],
    ['user info later', '/crm@evil.example'],
    ['a backslash', '\\\\evil.example\\crm'],
    ['a backslash inside', '/crm\\..\\..\\us'],
    ['a .. segment', '/../../us/api/crm/v8/org'],
    ['a .. segment inside', '/crm/v8/../../../us/api/crm/v8/org'],
    ['a . segment', '/./crm/v8/org'],
    ['an encoded ..', '/%2e%2e/us/api/crm'],
    ['an encoded .. in capitals', '/%2E%2E/us/api/crm'],
    ['half-encoded ..', '/.%2e/us/api/crm'],
    ['a double-encoded ..', '/%252e%252e/us/api/crm'],
    ['an encoded slash', '/crm%2f..%2f..%2fus'],
    ['an encoded backslash', '/crm%5c..%5cus'],
    ['a control character', '/crm/v8/org\r\nHost: evil.example'],
    ['an encoded control character', '/crm/v8/%0d%0aorg'],
    ['a fragment', '/crm/v8/org#x'],
    ['an empty segment', '/crm//v8/org'],
    ['a malformed encoding', '/crm/%zz%'],
    ['nothing', ''],
    ['only spaces', '   '],
  ])('resolveApiURL: refuses %s', (_what, path) => {
    const error = refusal(path)
    expect(error.code).toBe(ERR_API_PATH)
    expect(error.remedy).toMatch(/relative to the connection's API domain/)
  })

  it('parseApiPath: names the reason in the message', () => {
    expect(() => parseApiPath('/%2e%2e/us')).toThrow(
      'Refusing API path "/%2e%2e/us": it climbs out of the API domain (a . or .. segment)',
    )
    expect(() => parseApiPath('https://evil.example/')).toThrow(/it is an absolute URL/)
  })

  it('parseApiPath: a trailing slash is dropped, not refused as an empty segment', () => {
    expect(parseApiPath('/crm/v8/Leads/').pathname).toBe('/crm/v8/Leads')
  })
})

describe('parseApiPath', () => {
  it('parseApiPath: an encoded percent sign is data, not a second round of encoding to refuse', () => {
    expect(parseApiPath('/crm/v8/Leads/100%25').pathname).toBe('/crm/v8/Leads/100%25')
  })
})
