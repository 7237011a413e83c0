import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { csrfToken, isCsrfToken, SESSION_TTL_MS, signSession, verifySession } from './session.js'

function deps(o: { secrets?: Buffer[]; adminToken?: string; now?: number } = {}) {
  return {
    secrets: { state: [], connectLink: [], session: o.secrets ?? [randomBytes(32)] },
    settings: { adminToken: o.adminToken ?? 'admin-token', publicUrl: 'http://localhost:3001' },
    now: () => o.now ?? 1_000_000,
  } as unknown as Parameters<typeof signSession>[0]
}

describe('signSession', () => {
  it('verifySession accepts its own session until it expires, on any instance of the key ring', () => {
    const secret = randomBytes(32)
    const { value, session } = signSession(deps({ secrets: [secret] }))
    expect(session.expiresAt).toBe(1_000_000 + SESSION_TTL_MS)
    // Another instance, after a key rotation (new primary, old key kept to verify).
    const other = deps({ secrets: [randomBytes(32), secret] })
    expect(verifySession(other, value)).toEqual(session)
    expect(verifySession(deps({ secrets: [secret], now: session.expiresAt }), value)).toBeNull()
  })

  it('verifySession refuses a session once the admin token changes', () => {
    const secret = randomBytes(32)
    const { value } = signSession(deps({ secrets: [secret] }))
    expect(verifySession(deps({ secrets: [secret], adminToken: 'rotated' }), value)).toBeNull()
  })

  it('verifySession refuses tampering and garbage', () => {
    const d = deps()
    const { value } = signSession(d)
    const [payload, signature] = value.split('.')
    const longer = Buffer.from(JSON.stringify({ sid: 'x', exp: 9e15 })).toString('base64url')
    for (const bad of [`${longer}.${signature}`, `${payload}.`, payload, `${value}.x`, '', 'a.b']) {
      expect(verifySession(d, bad)).toBeNull()
    }
    expect(verifySession(d, undefined)).toBeNull()
  })

  it('isCsrfToken accepts only the token of the same session', () => {
    const d = deps()
    const a = signSession(d).session
    const b = signSession(d).session
    expect(isCsrfToken(d, a, csrfToken(d, a))).toBe(true)
    expect(isCsrfToken(d, a, csrfToken(d, b))).toBe(false)
    expect(isCsrfToken(d, a, '')).toBe(false)
    expect(isCsrfToken(d, a, undefined)).toBe(false)
  })
})
