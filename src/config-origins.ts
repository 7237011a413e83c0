/**
 * `ZOHO_AUTH_ALLOWED_ORIGINS`: the origins (`https://app.example.com`) the broker trusts as the
 * home of a browser app — where a connect flow may send a person back to (`return_to`), and
 * later which origins may call it from a browser (CORS). A broker sends people there with a
 * fresh connection behind them, so each entry must be an exact origin: no path that a prefix
 * match could be fooled by, no credentials, and plain http only to this machine.
 */
import { ConfigError } from './config-error.js'
import type { Setting } from './config-checks.js'
import { isLoopbackHost } from './protocol/http.js'

const REMEDY =
  'Set ZOHO_AUTH_ALLOWED_ORIGINS to a comma-separated list of origins, scheme and host (and port) only, e.g. https://app.example.com,http://localhost:5173.'

/** The comma list as origins (deduplicated, in order); `[]` when unset. */
export function parseAllowedOrigins(s: Setting): string[] {
  if (s.value === undefined) return []
  const origins: string[] = []
  for (const entry of s.value.split(',').map((part) => part.trim())) {
    if (entry === '') continue
    const origin = checkOrigin(entry, s.label)
    if (!origins.includes(origin)) origins.push(origin)
  }
  return origins
}

function checkOrigin(entry: string, label: string): string {
  const url = URL.canParse(entry) ? new URL(entry) : undefined
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`${label} has "${entry}", not an http(s) origin`, REMEDY)
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(
      `${label} has an origin with a user name or password (${url.host})`,
      REMEDY,
    )
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(entry)) {
    throw new ConfigError(
      `${label} has "${entry}", which is more than an origin (it has a path, query or fragment)`,
      REMEDY,
    )
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      `${label} has "${entry}", plain http:// to ${url.hostname}, which is not this machine`,
      'Use https:// for a browser app on another host; plain http:// is allowed only for localhost, 127.0.0.1 or ::1 (a development server).',
    )
  }
  return url.origin
}
