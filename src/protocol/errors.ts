/**
 * The error family. Every error a user can meet says what happened (`message`), carries a fixed
 * `code` to branch on, and says what to do (`remedy`). Messages pass through `redact`, so no
 * token or secret ever rides along.
 */
import { redact } from './redact.js'

/**
 * Code of ZohoOAuthError: Zoho answered `{"error": …}`.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export const ERR_ZOHO_OAUTH = 'ERR_ZOHO_OAUTH'
/**
 * Code of ZohoThrottledError: Zoho's `Access Denied` throttle.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
 */
export const ERR_ZOHO_THROTTLED = 'ERR_ZOHO_THROTTLED'
/**
 * Code of UnexpectedResponseError: not the JSON Zoho documents.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export const ERR_UNEXPECTED_RESPONSE = 'ERR_UNEXPECTED_RESPONSE'
/**
 * Code of TransportError: no answer (network failure or timeout).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export const ERR_TRANSPORT = 'ERR_TRANSPORT'
/**
 * Code of UntrustedAccountsServerError: a callback named a host outside the DC table.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export const ERR_UNTRUSTED_ACCOUNTS_SERVER = 'ERR_UNTRUSTED_ACCOUNTS_SERVER'
/**
 * Code of CallbackError: the redirect from Zoho could not be accepted.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html
 */
export const ERR_OAUTH_CALLBACK = 'ERR_OAUTH_CALLBACK'
/**
 * Code of CredentialFormatError: a pasted credential is malformed.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth-setup.html
 */
export const ERR_CREDENTIAL_FORMAT = 'ERR_CREDENTIAL_FORMAT'
/**
 * A URL that credentials or tokens would go to is not usable: not a URL at all, or plain http://
 * to a host that is not loopback.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export const ERR_INSECURE_URL = 'ERR_INSECURE_URL'

/**
 * What every ZohoAuthError carries besides its code and message.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export interface ZohoAuthErrorOptions {
  remedy: string
  cause?: unknown
}

/**
 * Base of every error this package throws on purpose.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export class ZohoAuthError extends Error {
  override name = 'ZohoAuthError'
  readonly code: string
  /** What a person should do about it, in one sentence. */
  readonly remedy: string

  constructor(code: string, message: string, options: ZohoAuthErrorOptions) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.remedy = redact(options.remedy)
  }
}

/** What each `error` of Zoho's token endpoint means for the person holding it. */
const OAUTH_ERRORS: Record<string, { meaning: string; remedy: string }> = {
  invalid_code: {
    meaning:
      'the code was already used, expired (2 min; Self Client 3–10 min), or was sent to another data centre than the one that issued it',
    remedy:
      'This code was already used or expired (or belongs to another data centre); mint a new one and exchange it at once, in the data centre that issued it (the callback’s location; for a Self Client, the data centre of the account it was generated in).',
  },
  invalid_redirect_uri: {
    meaning: 'the redirect_uri differs from the one registered for this client',
    remedy:
      'Use exactly the redirect URI registered in the Zoho API console (scheme, host, port, path and trailing slash must match).',
  },
  invalid_client: {
    meaning: 'Zoho does not know this client_id in this data centre',
    remedy:
      'Check ZOHO_CLIENT_ID, and that the request goes to the data centre where the client is registered (or that multi-DC is enabled for this DC in the API console).',
  },
  invalid_client_secret: {
    meaning: 'the client secret is wrong for this client and data centre',
    remedy:
      'Check ZOHO_CLIENT_SECRET; with multi-DC each data centre may have its own secret (set ZOHO_CLIENT_SECRET_<DC>, e.g. ZOHO_CLIENT_SECRET_EU).',
  },
  'Access Denied': {
    meaning: 'Zoho is throttling token requests for this refresh token or client',
    remedy:
      'Reuse the access token you have and wait for the 10-minute window to pass; retrying in a loop only prolongs the lock-out.',
  },
  missing_org_info: {
    meaning: 'a client-credentials grant was sent without soid',
    remedy:
      'Pass the organisation as soid=ZohoCRM.<orgId> (client credentials work for Self Client only).',
  },
  access_denied: {
    meaning: 'the user refused consent, or the client made too many grant requests',
    remedy:
      'Ask the user to approve access again; if it keeps failing, wait 10 minutes (grant-code limit).',
  },
  invalid_scope: {
    meaning: 'a requested scope is unknown to Zoho',
    remedy: 'Check the scope names (comma-separated, e.g. ZohoCRM.modules.ALL).',
  },
  unsupported_grant_type: {
    meaning: 'this client type cannot use this grant',
    remedy: 'Use the flow that matches the client type registered in the API console.',
  },
  expired: {
    meaning: 'the device code expired before the user approved it',
    remedy: 'Start the device flow again and approve within 5 minutes.',
  },
  invalid_token: {
    meaning:
      'Zoho does not know this token: already revoked, mistyped, or from another data centre',
    remedy:
      'Check that the token is complete and that the request goes to the data centre that issued it; a token that was already revoked needs nothing more.',
  },
  authorization_pending: {
    meaning: 'the user has not approved the device code yet',
    remedy: 'Keep polling at the interval Zoho gave until the user approves.',
  },
  slow_down: {
    meaning: 'the device token endpoint was polled faster than Zoho allows (once per 30 s)',
    remedy: 'Poll less often: wait at least the interval Zoho gave between polls.',
  },
  other_dc: {
    meaning: 'the user approved in another data centre than the one polled',
    remedy: "Poll the device token endpoint of the user's data centre (user_location).",
  },
}

// Zoho answers a revoked or evicted refresh token with invalid_code, not invalid_grant: the same
// word tells the person holding a refresh token a different story than the one holding a code.
const REFRESH_ERRORS: Record<string, { meaning: string; remedy: string }> = {
  invalid_code: {
    meaning:
      'the refresh token was revoked, or deleted by Zoho (it keeps 20 per user and client and drops the oldest), or belongs to another data centre',
    remedy:
      'Grant access again to get a new refresh token; nothing retried with this one will work.',
  },
}

function explain(
  error: string,
  operation: string | undefined,
): { meaning: string; remedy: string } | undefined {
  return (operation === 'refresh' ? REFRESH_ERRORS[error] : undefined) ?? OAUTH_ERRORS[error]
}

/**
 * The remedy for a raw Zoho `error` (for the request `operation` that got it, where that changes
 * the story), or a generic one for codes Zoho has not documented.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export function remedyFor(error: string, operation?: string): string {
  return (
    explain(error, operation)?.remedy ??
    `Zoho answered "${error}"; check the client id, secret and data centre, then try again.`
  )
}

/**
 * What Zoho's error answer said, and where.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export interface ZohoOAuthErrorInit {
  /** Zoho's raw `error` value, e.g. `invalid_code` or `Access Denied`. */
  error: string
  errorDescription?: string | undefined
  /** The HTTP status Zoho answered with — often 200 even for an error. */
  status: number
  /** Which request failed, for the message: `refresh`, `code exchange`, … */
  operation?: string | undefined
  cause?: unknown
}

/**
 * Zoho's token endpoint answered with `{"error": …}` — whatever the HTTP status.
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export class ZohoOAuthError extends ZohoAuthError {
  override name = 'ZohoOAuthError'
  readonly error: string
  readonly errorDescription: string | undefined
  readonly status: number

  constructor(init: ZohoOAuthErrorInit, code: string = ERR_ZOHO_OAUTH) {
    const meaning = explain(init.error, init.operation)?.meaning
    const what = init.operation ? `${init.operation} failed` : 'Zoho refused the request'
    super(
      code,
      `${what}: ${init.error}${meaning ? ` (${meaning})` : ''}${
        init.errorDescription ? ` — ${init.errorDescription}` : ''
      }`,
      { remedy: remedyFor(init.error, init.operation), cause: init.cause },
    )
    this.error = init.error
    this.errorDescription = init.errorDescription
    this.status = init.status
  }
}

/**
 * Zoho's `Access Denied` throttle: too many token requests in the 10-minute window.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
 */
export class ZohoThrottledError extends ZohoOAuthError {
  override name = 'ZohoThrottledError'
  constructor(init: ZohoOAuthErrorInit) {
    super(init, ERR_ZOHO_THROTTLED)
  }
}

/**
 * Zoho answered something that is not the JSON it documents (an HTML roadblock, a proxy page),
 * or JSON that cannot be used as it is (a token answer with a nonsense lifetime or host).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export class UnexpectedResponseError extends ZohoAuthError {
  override name = 'UnexpectedResponseError'
  readonly status: number
  readonly contentType: string | null
  /** The first few hundred characters of the body, redacted. */
  readonly bodyExcerpt: string
  /**
   * True when Zoho answered what reads as a success that could not be used (a nonsense
   * lifetime, token or api_domain): a token was probably minted and a code spent, so a quota
   * counting mints must count this request. False for pages and errors that minted nothing
   * that we can tell.
   */
  readonly mayHaveMinted: boolean

  constructor(init: {
    status: number
    contentType: string | null
    body: string
    operation?: string
    /** What is wrong with an answer that parsed; replaces the body excerpt in the message. */
    problem?: string
    remedy?: string
    mayHaveMinted?: boolean
  }) {
    const excerpt = redact(init.body.slice(0, 300))
    const operation = init.operation ?? 'Request'
    super(
      ERR_UNEXPECTED_RESPONSE,
      init.problem !== undefined
        ? `${operation} got an answer from Zoho it cannot use: ${init.problem}`
        : `${operation} got an unexpected response from Zoho: HTTP ${init.status}${
            init.contentType ? ` ${init.contentType}` : ''
          }: ${excerpt.replace(/\s+/g, ' ').slice(0, 120)}`,
      {
        remedy:
          init.remedy ??
          'Zoho or a proxy in between answered with something other than JSON; check the accounts server URL and network, then retry later.',
      },
    )
    this.status = init.status
    this.contentType = init.contentType
    this.bodyExcerpt = excerpt
    this.mayHaveMinted = init.mayHaveMinted ?? false
  }
}

/**
 * The request never got an answer: network failure, refused connection, or timeout.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export class TransportError extends ZohoAuthError {
  override name = 'TransportError'
  readonly timeout: boolean

  constructor(init: { url: string; timeout: boolean; operation?: string; cause?: unknown }) {
    const host = safeOrigin(init.url)
    super(
      ERR_TRANSPORT,
      `${init.operation ?? 'Request'} to ${host} ${init.timeout ? 'timed out' : 'failed before Zoho answered'}`,
      {
        remedy: init.timeout
          ? 'Zoho did not answer in time; retry later, and check the network if it persists.'
          : 'Check the network connection and that the data centre URL is reachable, then retry.',
        cause: init.cause,
      },
    )
    this.timeout = init.timeout
  }
}

/**
 * A callback named an accounts server outside the data-centre table: never send it a secret.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export class UntrustedAccountsServerError extends ZohoAuthError {
  override name = 'UntrustedAccountsServerError'
  readonly accountsServer: string

  constructor(accountsServer: string) {
    super(
      ERR_UNTRUSTED_ACCOUNTS_SERVER,
      `The callback names accounts server "${accountsServer}", which is not a Zoho data centre`,
      {
        remedy:
          'Start the login again from this application; if it repeats, someone may be tampering with the redirect.',
      },
    )
    this.accountsServer = accountsServer
  }
}

/**
 * Why a redirect from Zoho was refused.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html
 */
export type CallbackFailure =
  'access_denied' | 'missing_code' | 'state_mismatch' | 'unknown_location' | 'zoho_error'

/**
 * The OAuth redirect back from Zoho could not be accepted.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html
 */
export class CallbackError extends ZohoAuthError {
  override name = 'CallbackError'
  readonly reason: CallbackFailure
  /** Zoho's raw `error` parameter when it sent one. */
  readonly error: string | undefined

  constructor(init: { reason: CallbackFailure; message: string; remedy: string; error?: string }) {
    super(ERR_OAUTH_CALLBACK, init.message, { remedy: init.remedy })
    this.reason = init.reason
    this.error = init.error
  }
}

/**
 * A pasted credential is malformed (whitespace, quotes, truncated, or the wrong kind of token).
 *
 * @see https://www.zoho.com/accounts/protocol/oauth-setup.html
 */
export class CredentialFormatError extends ZohoAuthError {
  override name = 'CredentialFormatError'
  readonly field: string
  /**
   * True when the value only strays from the shape Zoho documents (length, letter case,
   * alphabet), so it could still be valid if Zoho changed its format; false when it cannot be
   * what Zoho issued (quotes, whitespace, a prefix, a URL, another credential's shape).
   */
  readonly mayBeValid: boolean

  constructor(init: { field: string; message: string; remedy: string; mayBeValid?: boolean }) {
    super(ERR_CREDENTIAL_FORMAT, init.message, { remedy: init.remedy })
    this.field = init.field
    this.mayBeValid = init.mayBeValid ?? false
  }
}

function safeOrigin(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return 'Zoho'
  }
}
