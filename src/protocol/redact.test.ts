import { describe, it, expect } from 'vitest'
import { maskToken, redact } from './redact.js'

const ACCESS = `1000.${'0123456789abcdef'.repeat(2)}.${'fedcba9876543210'.repeat(2)}`
const DEVICE_CODE = `1004.${'a'.repeat(32)}.${'b'.repeat(32)}`
const SECRET = '215734b0b2ca5f80f058a4be261e29cbbda609c2b6'
const KEY = `${'A'.repeat(43)}=`

describe('redact', () => {
  it('redact hides Zoho tokens but keeps enough to tell them apart', () => {
    expect(redact(`token ${ACCESS} here`)).toBe('token 1000.…3210 here')
    expect(redact(DEVICE_CODE)).toBe('1004.…bbbb')
  })

  it('redact hides client secrets and encryption keys', () => {
    expect(redact(`secret ${SECRET}`)).toBe('secret ****')
    expect(redact(`key ${KEY}`)).toBe('key ****')
  })

  it('redact hides Authorization headers whatever the token looks like', () => {
    expect(redact('Authorization: Zoho-oauthtoken abc.def')).toBe(
      'Authorization: Zoho-oauthtoken ****',
    )
    expect(redact('Bearer xyz')).toBe('Bearer ****')
  })

  it('redact hides secret-named parameters in query strings and forms', () => {
    expect(
      redact('client_id=1000.ABC&client_secret=s3cr3t&refresh_token=r&code=c&code_verifier=v'),
    ).toBe('client_id=1000.ABC&client_secret=****&refresh_token=****&code=****&code_verifier=****')
    expect(redact('/oauth/v2/token/revoke?token=opaque')).toBe('/oauth/v2/token/revoke?token=****')
  })

  it('redact leaves ordinary text alone', () => {
    const text = 'refresh failed: invalid_code at https://accounts.zoho.eu (HTTP 200)'
    expect(redact(text)).toBe(text)
  })
})

describe('maskToken', () => {
  it('maskToken keeps the prefix and the last four characters', () => {
    expect(maskToken(ACCESS)).toBe('1000.…3210')
    expect(maskToken(' short ')).toBe('****')
  })
})

describe('redact fast path', () => {
  it('redact still masks each kind of secret when it is the whole text or inside a short one', () => {
    const token = `1000.${'ab12'.repeat(8)}.${'cd34'.repeat(8)}`
    expect(redact(token)).not.toContain('ab12ab12')
    expect(redact(`code=${'x'.repeat(3)}`)).toBe('code=****')
    expect(redact('Bearer abc')).toBe('Bearer ****')
    expect(redact('zoho-oauthtoken abc')).toBe('zoho-oauthtoken ****')
    expect(redact('f'.repeat(42))).toBe('****')
    expect(redact(`${'A'.repeat(43)}=`)).toBe('****')
  })

  it('redact returns text with nothing secret-shaped unchanged', () => {
    for (const text of ['GET', '/api/v1/connections/:id/token', 'admin', '']) {
      expect(redact(text)).toBe(text)
    }
  })
})
