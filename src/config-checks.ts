/**
 * Checks of the settings that decide where secrets go and what is sent: the emulator URL
 * (loopback only unless explicitly allowed), the redirect URI, and the client credentials.
 * Each message names the setting as the person set it (`--client-id`, `ZOHO_CLIENT_SECRET in
 * /app/.env`) and never repeats a secret.
 */
import { ConfigError } from './config-error.js'
import { checkClientId, checkClientSecret } from './protocol/credentials.js'
import { CredentialFormatError } from './protocol/errors.js'
import { isLoopbackHost } from './protocol/http.js'

/** Where a setting's value came from, for messages that tell a person which one to fix. */
export type ConfigSource = 'flag' | 'environment' | '.env'

/** One setting as read: its value, where it came from, and how to name it in a message. */
export interface Setting {
  value: string | undefined
  source: ConfigSource | undefined
  /** `--emulator-url`, `ZOHO_EMULATOR_URL in the environment`, `ZOHO_EMULATOR_URL in /app/.env` */
  label: string
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function shownURL(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//****@')
}

/**
 * A client id or secret, checked before it is sent. What cannot be what Zoho issued (quotes,
 * whitespace, a prefix, another credential) is refused. What only strays from Zoho's documented
 * shape (length, case, alphabet) is sent with a warning: the shapes are Zoho's habit, not its
 * contract, and refusing a credential after Zoho changed its format would lock everyone out,
 * while Zoho's own answer (`invalid_client`) already comes with a remedy.
 */
export function checkCredential(
  kind: 'clientId' | 'clientSecret',
  s: Setting,
): { value: string | undefined; warning?: string } {
  if (s.value === undefined) return { value: undefined }
  try {
    return { value: (kind === 'clientId' ? checkClientId : checkClientSecret)(s.value) }
  } catch (error) {
    if (!(error instanceof CredentialFormatError)) throw error
    const what = `${s.label}: ${lowerFirst(error.message)}`
    if (!error.mayBeValid) throw new ConfigError(what, error.remedy)
    return {
      value: s.value,
      warning: `${what}; sent as is, in case Zoho changed its format. ${error.remedy}`,
    }
  }
}

export interface EmulatorSetting {
  url: string | undefined
  source: ConfigSource | undefined
  /** Emulator mode is never silent: every command that uses it prints this. */
  warning?: string
}

/**
 * `ZOHO_EMULATOR_URL`: the client secret and refresh tokens go there, so it must be this machine
 * (127.0.0.0/8, ::1, localhost) unless remote emulators are explicitly allowed, and then https.
 */
export function checkEmulatorURL(s: Setting, allowRemote: boolean): EmulatorSetting {
  if (s.value === undefined) return { url: undefined, source: undefined }
  const remedy = 'Set it to the base URL the emulator printed at start, e.g. http://127.0.0.1:3002.'
  let url: URL
  try {
    url = new URL(s.value)
  } catch {
    throw new ConfigError(`${s.label} is "${s.value}", not an http(s) URL`, remedy)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${s.label} is "${shownURL(s.value)}", not an http(s) URL`, remedy)
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      `${s.label} is "${shownURL(s.value)}", a URL with credentials, a query or a fragment`,
      remedy,
    )
  }
  if (!isLoopbackHost(url.hostname)) {
    if (!allowRemote) {
      const setting = s.source === 'flag' ? '--emulator-url' : 'ZOHO_EMULATOR_URL'
      throw new ConfigError(
        `${s.label} points at ${url.hostname}, which is not this machine`,
        `Emulator mode sends the client secret and refresh tokens to that host. Remove ${setting} to talk to Zoho; if your emulator really runs there, set ZOHO_EMULATOR_ALLOW_REMOTE=1 (or pass --emulator-allow-remote).`,
      )
    }
    if (url.protocol === 'http:') {
      throw new ConfigError(
        `${s.label} is plain http:// to ${url.hostname}, which is not this machine`,
        'Use https:// for an emulator on another machine; plain http:// is allowed only to 127.0.0.1, ::1 or localhost.',
      )
    }
  }
  const base = s.value.replace(/\/+$/, '')
  return {
    url: base,
    source: s.source,
    warning: `emulator mode: the client secret and tokens go to the emulator at ${base}, not to Zoho (${s.label}); remove it to talk to Zoho`,
  }
}

/** `ZOHO_REDIRECT_URI`, kept exactly as given: Zoho compares it character for character. */
export function checkRedirectURI(s: Setting): string | undefined {
  if (s.value === undefined) return undefined
  const remedy =
    'Set it to the redirect URI registered for the client in the Zoho API console, character for character, e.g. http://localhost:3001/oauth/callback.'
  const url = URL.canParse(s.value) ? new URL(s.value) : undefined
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`${s.label} is "${s.value}", not an absolute http(s) URL`, remedy)
  }
  if (url.hash !== '') {
    throw new ConfigError(
      `${s.label} is "${s.value}", a URL with a fragment (OAuth forbids one)`,
      remedy,
    )
  }
  return s.value
}
