import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { openVerifier, sealVerifier } from './sealed-verifier.js'

describe('sealVerifier', () => {
  it('sealVerifier hides the verifier, and openVerifier opens it with any key of the ring', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)]
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
    const sealed = sealVerifier(oldKey, verifier)
    expect(sealed).not.toContain(verifier)
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(verifier)
    expect(openVerifier([newKey, oldKey], sealed)).toBe(verifier)
    // A fresh IV each time: the same verifier never seals the same way twice.
    expect(sealVerifier(oldKey, verifier)).not.toBe(sealed)
  })

  it('openVerifier refuses another key, a changed byte and garbage', () => {
    const key = randomBytes(32)
    const sealed = sealVerifier(key, 'verifier')
    expect(openVerifier([randomBytes(32)], sealed)).toBeNull()
    const bytes = Buffer.from(sealed, 'base64url')
    bytes[14] = (bytes[14] ?? 0) ^ 1
    expect(openVerifier([key], bytes.toString('base64url'))).toBeNull()
    expect(openVerifier([key], 'short')).toBeNull()
  })
})
