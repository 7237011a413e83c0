import { describe, expect, it } from 'vitest'
import { ERR_LOGIN_REDIRECT_URI, type LoginError } from './errors.js'
import { loopbackRedirect } from './redirect-uri.js'

function refusal(uri: string): LoginError {
  try {
    loopbackRedirect(uri)
  } catch (error) {
    return error as LoginError
  }
  throw new Error(`${uri} was accepted`)
}

describe('loopbackRedirect', () => {
  it('loopbackRedirect listens on both loopback stacks for localhost, on the URI’s port and path', () => {
    expect(loopbackRedirect('http://localhost:3001/oauth/callback')).toEqual({
      redirectURI: 'http://localhost:3001/oauth/callback',
      hosts: ['127.0.0.1', '::1'],
      port: 3001,
      path: '/oauth/callback',
    })
    expect(loopbackRedirect('http://127.0.0.1:8765/cb')).toMatchObject({
      hosts: ['127.0.0.1'],
      port: 8765,
    })
    expect(loopbackRedirect('http://[::1]:8765/')).toMatchObject({ hosts: ['::1'], path: '/' })
    expect(loopbackRedirect('http://localhost/cb')).toMatchObject({ port: 80 })
  })

  it('loopbackRedirect refuses a redirect URI off this machine, naming the one to register', () => {
    const error = refusal('https://app.example.com/oauth/callback')
    expect(error.code).toBe(ERR_LOGIN_REDIRECT_URI)
    expect(error.message).toContain('https://app.example.com is not on this machine')
    expect(error.remedy).toContain('Register http://localhost:3001/oauth/callback')
    expect(error.remedy).toContain('`zoho-auth login --device`')
    expect(refusal('http://192.168.1.5:3001/cb').message).toContain('not on this machine')
  })

  it('loopbackRedirect refuses https on loopback, a fragment, port 0 and non-URLs', () => {
    expect(refusal('https://localhost:3001/cb').message).toContain('plain http://')
    expect(refusal('http://localhost:3001/cb#x').message).toContain('#fragment')
    expect(refusal('http://localhost:0/cb').message).toContain('port 0')
    expect(refusal('localhost:3001').code).toBe(ERR_LOGIN_REDIRECT_URI)
    expect(refusal('not a url').message).toBe('ZOHO_REDIRECT_URI "not a url" is not a URL')
  })
})
