/**
 * The PKCE verifier travels inside the signed state, so the callback can land on any broker
 * instance. The state is readable by anyone who sees the URL, so the verifier is sealed with
 * AES-256-GCM under a key derived from the state secret: only a broker of this key ring opens it.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'

const AAD = Buffer.from('zoho-auth pkce-verifier v1')

function keyOf(stateSecret: Buffer): Buffer {
  return createHmac('sha256', stateSecret).update('pkce-verifier-encryption').digest()
}

/** `base64url(iv | ciphertext | tag)` of `verifier` under the primary state secret. */
export function sealVerifier(stateSecret: Buffer, verifier: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyOf(stateSecret), iv)
  cipher.setAAD(AAD)
  const body = Buffer.concat([cipher.update(verifier, 'utf8'), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
}

/** The verifier, opened with whichever state secret sealed it, or null. */
export function openVerifier(stateSecrets: readonly Buffer[], sealed: string): string | null {
  const bytes = Buffer.from(sealed, 'base64url')
  if (bytes.length < 12 + 16 + 1) return null
  const iv = bytes.subarray(0, 12)
  const tag = bytes.subarray(bytes.length - 16)
  const body = bytes.subarray(12, bytes.length - 16)
  for (const secret of stateSecrets) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), iv)
      decipher.setAAD(AAD)
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
    } catch {
      // Sealed under another key of the ring, or not by us: try the next.
    }
  }
  return null
}
