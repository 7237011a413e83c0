/**
 * The one redaction function: everything that leaves the process as text (errors, logs, UI)
 * passes through it, so a token or secret never does.
 */

// Zoho tokens and codes: `1000.` + 32 hex + `.` + 32 hex (device clients use `1004.`).
const ZOHO_TOKEN = /\b(1\d{3})\.([0-9a-f]{32})\.([0-9a-f]{32})\b/gi
// Client secrets are 42 hex characters; our encryption keys are 44-character base64.
const CLIENT_SECRET = /\b[0-9a-f]{42}\b/gi
const BASE64_KEY = /\b[A-Za-z0-9+/]{43}=/g
// `Zoho-oauthtoken <token>` and `Bearer <token>` headers, and key=value pairs of secret names.
const AUTH_HEADER = /\b(Zoho-oauthtoken|Bearer)\s+[^\s"',;]+/gi
const MAYBE_SECRET = /[0-9a-z+/]{32}|=|bearer|zoho-oauthtoken/i
const SECRET_PARAM =
  /\b(client_secret|refresh_token|access_token|code|code_verifier|device_code|token|password)=([^&\s"']+)/gi

/**
 * Keeps a token's prefix and last four characters, enough to tell two apart in a log.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
 */
export function maskToken(token: string): string {
  const trimmed = token.trim()
  if (trimmed.length <= 8) return '****'
  return `${trimmed.slice(0, 5)}…${trimmed.slice(-4)}`
}

/**
 * Replaces every token, code and secret found in `text` by a mask.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
 */
export function redact(text: string): string {
  // Every pattern above needs a 32-character run of token characters, an `=`, or a scheme
  // name; most text (a log line's method, route, status) has none and skips the five passes.
  if (!MAYBE_SECRET.test(text)) return text
  return text
    .replace(ZOHO_TOKEN, (_match, prefix: string, _a, b: string) => `${prefix}.…${b.slice(-4)}`)
    .replace(AUTH_HEADER, (_match, scheme: string) => `${scheme} ****`)
    .replace(SECRET_PARAM, (_match, name: string) => `${name}=****`)
    .replace(CLIENT_SECRET, '****')
    .replace(BASE64_KEY, '****')
}
