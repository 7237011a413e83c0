import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, ERR_CONFIG, loadConfig } from './config.js'

const cwd = mkdtempSync(join(tmpdir(), 'zoho-auth-origins-'))

function origins(value: string | undefined): string[] {
  return loadConfig({ env: { HOME: '/home/ada', ZOHO_AUTH_ALLOWED_ORIGINS: value }, cwd })
    .allowedOrigins
}

function refusal(value: string): ConfigError {
  try {
    origins(value)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`"${value}" was accepted`)
}

describe('ZOHO_AUTH_ALLOWED_ORIGINS', () => {
  it('loadConfig has no allowed origins when it is unset or blank', () => {
    expect(origins(undefined)).toEqual([])
    expect(origins(' , ')).toEqual([])
  })

  it('loadConfig reads a comma list as normalised origins, once each', () => {
    expect(
      origins(
        'https://App.Example.com, https://app.example.com/,http://localhost:5173,https://a.example:443',
      ),
    ).toEqual(['https://app.example.com', 'http://localhost:5173', 'https://a.example'])
  })

  it('loadConfig refuses an entry with a path, query or fragment, which a prefix match could be fooled by', () => {
    for (const value of [
      'https://app.example.com/return',
      'https://app.example.com?x=1',
      'https://app.example.com#top',
    ]) {
      const error = refusal(value)
      expect(error.code).toBe(ERR_CONFIG)
      expect(error.message).toBe(
        `ZOHO_AUTH_ALLOWED_ORIGINS in the environment has "${value}", which is more than an origin (it has a path, query or fragment)`,
      )
      expect(error.remedy).toMatch(/^Set ZOHO_AUTH_ALLOWED_ORIGINS to a comma-separated list/)
    }
  })

  it('loadConfig refuses what is not an http(s) origin, credentials, and plain http to another host', () => {
    expect(refusal('app.example.com').message).toBe(
      'ZOHO_AUTH_ALLOWED_ORIGINS in the environment has "app.example.com", not an http(s) origin',
    )
    expect(refusal('javascript:alert(1)').message).toMatch(/not an http\(s\) origin$/)
    const withUser = refusal('https://ada:pw@app.example.com')
    expect(withUser.message).toBe(
      'ZOHO_AUTH_ALLOWED_ORIGINS in the environment has an origin with a user name or password (app.example.com)',
    )
    expect(withUser.message).not.toContain('pw')
    const plain = refusal('http://app.example.com')
    expect(plain.message).toBe(
      'ZOHO_AUTH_ALLOWED_ORIGINS in the environment has "http://app.example.com", plain http:// to app.example.com, which is not this machine',
    )
    expect(plain.remedy).toMatch(/^Use https:\/\//)
  })
})
