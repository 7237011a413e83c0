/**
 * Standard Webhooks signing: the secret is `whsec_` + base64 of the key; each delivery carries
 * `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64 of
 * HMAC-SHA256(key, "${id}.${timestamp}.${body}")>`, so a receiver can verify it with any
 * Standard Webhooks library.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHmac } from 'node:crypto'
import { ConfigError } from '../../config-error.js'

const SECRET_PREFIX = 'whsec_'
// The spec asks for keys of 24 to 64 bytes.
const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64

const REMEDY =
  "Set ZOHO_AUTH_WEBHOOK_SECRET to \"whsec_\" followed by the base64 of 24 to 64 random bytes, e.g. the output of: node -e \"console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))\" (and give the same secret to the receiver)."

/** The signing key of a `whsec_<base64>` secret; a malformed one is a ConfigError with a remedy. */
export function parseWebhookSecret(secret: string): Buffer {
  const text = secret.trim()
  if (!text.startsWith(SECRET_PREFIX)) {
    throw new ConfigError('ZOHO_AUTH_WEBHOOK_SECRET does not start with "whsec_"', REMEDY)
  }
  const encoded = text.slice(SECRET_PREFIX.length)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new ConfigError('ZOHO_AUTH_WEBHOOK_SECRET is not valid base64 after "whsec_"', REMEDY)
  }
  const key = Buffer.from(encoded, 'base64')
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new ConfigError(
      `ZOHO_AUTH_WEBHOOK_SECRET holds a ${key.length}-byte key; Standard Webhooks keys are 24 to 64 bytes`,
      REMEDY,
    )
  }
  return key
}

/** `v1,<base64 signature>` of one delivery. */
export function signWebhook(key: Buffer, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return `v1,${mac}`
}
