/**
 * Reading the redirect of Zoho's implicit flow and of its refresh by redirect.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/js-apps/access-token.html
 */

/** A token redirect, with Zoho's fields as they came (the DC's hosts are checked elsewhere). */
export interface ZohoTokenFragment {
  type: 'token'
  accessToken: string
  /** Seconds, whichever unit Zoho used. */
  expiresIn: number
  /** The DC (`location`), e.g. `us`, `eu`. */
  location: string
  apiDomain: string | undefined
  accountsServer: string | undefined
  /** True when the user ticked "grant access for the entire session": refresh can work. */
  grantedForSession: boolean
  scopes: string[]
  state: string | undefined
}

/** An error redirect (`#error=client_not_granted&state=…`). */
export interface ZohoErrorFragment {
  type: 'error'
  error: string
  description: string | undefined
  state: string | undefined
}

// Zoho sends expires_in in seconds today, in milliseconds in older answers (then with
// expires_in_sec beside it). More than a day of "seconds" can only be milliseconds.
const DAY_SECONDS = 86_400

function seconds(params: URLSearchParams): number {
  const sec = Number(params.get('expires_in_sec'))
  if (sec > 0) return sec
  const value = Number(params.get('expires_in'))
  if (!(value > 0)) return 0
  return value > DAY_SECONDS ? Math.floor(value / 1000) : value
}

/**
 * Parses a redirect's fragment (Zoho's starts with `#&`) or query. Undefined when it carries
 * neither a token nor an error: the page was not opened by Zoho.
 */
export function parseZohoFragment(raw: string): ZohoTokenFragment | ZohoErrorFragment | undefined {
  const params = new URLSearchParams(raw.replace(/^[#?]&?/, ''))
  const state = params.get('state') ?? undefined
  const error = params.get('error')
  if (error) {
    return {
      type: 'error',
      error,
      description: params.get('error_description') ?? undefined,
      state,
    }
  }
  const accessToken = params.get('access_token')
  if (!accessToken) return undefined
  const expiresIn = seconds(params)
  const location = params.get('location')
  // Without a lifetime or a DC the token cannot be used safely: report it, do not guess.
  if (!expiresIn || !location) {
    const missing = expiresIn ? 'location' : 'expires_in'
    return { type: 'error', error: 'invalid_response', description: `no ${missing}`, state }
  }
  return {
    type: 'token',
    accessToken,
    expiresIn,
    location,
    apiDomain: params.get('api_domain') ?? undefined,
    accountsServer: params.get('accounts-server') ?? undefined,
    grantedForSession: params.get('granted_for_session') === 'true',
    scopes: (params.get('scope') ?? '').split(/[\s,]+/).filter(Boolean),
    state,
  }
}
