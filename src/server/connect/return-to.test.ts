import { describe, expect, it } from 'vitest'
import { allowedReturnTo } from './return-to.js'

const settings = {
  publicUrl: 'https://broker.example.com',
  returnToOrigins: ['https://app.example.com', 'not a url'],
}

describe('allowedReturnTo', () => {
  it('allowedReturnTo accepts the broker’s own origin and the allowlist, resolving relative paths', () => {
    expect(allowedReturnTo(settings, 'https://app.example.com/done?x=1')).toBe(
      'https://app.example.com/done?x=1',
    )
    expect(allowedReturnTo(settings, '/settings')).toBe('https://broker.example.com/settings')
    expect(allowedReturnTo(settings, 'https://broker.example.com/')).toBe(
      'https://broker.example.com/',
    )
  })

  it('allowedReturnTo refuses other hosts however they are spelled', () => {
    for (const raw of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '\\\\evil.example/',
      'https://app.example.com.evil.example/',
      'https://app.example.com@evil.example/',
      'https://user:pw@app.example.com/',
      'http://app.example.com/',
      'https://app.example.com:444/',
      'javascript:alert(1)',
      'data:text/html,hi',
      '/\t/evil.example/',
      '',
      '   ',
    ]) {
      expect(allowedReturnTo(settings, raw), raw).toBeNull()
    }
  })
})
