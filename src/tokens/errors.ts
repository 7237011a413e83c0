/**
 * The token manager's errors. Each says what happened, carries a fixed `code`, and says what to
 * do (`remedy`); messages pass through `redact` via ZohoAuthError.
 */
import {
  ERR_UNTRUSTED_ACCOUNTS_SERVER,
  TransportError,
  UnexpectedResponseError,
  ZohoAuthError,
  ZohoOAuthError,
  ZohoThrottledError,
} from '../protocol/errors.js'

export const ERR_CONNECTION_NOT_FOUND = 'ERR_CONNECTION_NOT_FOUND'
export const ERR_NEEDS_REAUTH = 'ERR_NEEDS_REAUTH'
export const ERR_TOKEN_THROTTLED = 'ERR_TOKEN_THROTTLED'
export const ERR_CONNECTION_REVOKED = 'ERR_CONNECTION_REVOKED'
export const ERR_CLIENT_NOT_CONFIGURED = 'ERR_CLIENT_NOT_CONFIGURED'
export const ERR_NO_REFRESH_TOKEN = 'ERR_NO_REFRESH_TOKEN'
export const ERR_REFRESH_TIMEOUT = 'ERR_REFRESH_TIMEOUT'
export const ERR_UNKNOWN_DATA_CENTER = 'ERR_UNKNOWN_DATA_CENTER'
export const ERR_REVOKE_FAILED = 'ERR_REVOKE_FAILED'
export const ERR_CONNECTION_REGRANTED = 'ERR_CONNECTION_REGRANTED'
export const ERR_UNTRUSTED_API_DOMAIN = 'ERR_UNTRUSTED_API_DOMAIN'

/** No connection with this id in the store. */
export class ConnectionNotFoundError extends ZohoAuthError {
  override name = 'ConnectionNotFoundError'
  readonly connectionId: string

  constructor(connectionId: string) {
    super(ERR_CONNECTION_NOT_FOUND, `No connection "${connectionId}"`, {
      remedy:
        'List the connections to check the id, or create one by granting access (or importing a refresh token).',
    })
    this.connectionId = connectionId
  }
}

/** The refresh token is dead (revoked at Zoho, or evicted by Zoho's 20-token limit). */
export class NeedsReauthError extends ZohoAuthError {
  override name = 'NeedsReauthError'
  readonly connectionId: string
  /** True when Zoho deleted the refresh token because the user granted this client 20 newer ones. */
  readonly evicted: boolean

  constructor(init: { connectionId: string; evicted: boolean; reason?: string; cause?: unknown }) {
    super(
      ERR_NEEDS_REAUTH,
      `Connection "${init.connectionId}" needs to be authorised again: ${
        init.reason ?? reauthReason(init.evicted)
      }`,
      {
        remedy: `Grant access again for "${init.connectionId}" (it replaces the refresh token; the connection and its settings are kept).`,
        cause: init.cause,
      },
    )
    this.connectionId = init.connectionId
    this.evicted = init.evicted
  }
}

/** Why a refresh token stopped working, as people should read it. */
export function reauthReason(evicted: boolean): string {
  return evicted
    ? 'Zoho evicted this refresh token because the same user granted this client 20 newer ones'
    : 'Zoho rejected its refresh token (invalid_code): it was revoked, or deleted by Zoho'
}

/**
 * No valid access token is left and no token request may be sent before `retryAt`: the
 * connection's 10-per-10-minutes budget is spent, or Zoho throttled it (then `cause` is the
 * ZohoThrottledError).
 */
export class TokenThrottledError extends ZohoAuthError {
  override name = 'TokenThrottledError'
  readonly connectionId: string
  /** Epoch ms from which a token request will be accepted again. */
  readonly retryAt: number

  constructor(init: { connectionId: string; retryAt: number; cause?: unknown }) {
    const id = init.connectionId
    const retry = new Date(init.retryAt).toISOString()
    const byZoho = init.cause instanceof ZohoThrottledError
    super(
      ERR_TOKEN_THROTTLED,
      byZoho
        ? `Zoho throttled the token requests of connection "${id}" (Access Denied); retry after ${retry}`
        : `Connection "${id}" has used its Zoho token budget (10 per 10 minutes); retry after ${retry}`,
      {
        // Requests that provably minted nothing are not counted (see failures.ts).
        remedy: byZoho
          ? 'Wait until the retry time. Zoho refused although fewer than 10 requests were counted here: something else uses the same refresh token (another app, or a copy of this connection in another store) — give each its own grant.'
          : 'Wait until the retry time. Only token requests that got a token, or whose answer was lost after they were sent (a timeout, a cut connection), are counted: if Zoho answered them, something is refreshing far too often — reuse access tokens until they expire.',
        cause: init.cause,
      },
    )
    this.connectionId = id
    this.retryAt = init.retryAt
  }
}

/** The connection was revoked on purpose; it is kept for the record but serves no tokens. */
export class ConnectionRevokedError extends ZohoAuthError {
  override name = 'ConnectionRevokedError'
  readonly connectionId: string

  constructor(connectionId: string) {
    super(ERR_CONNECTION_REVOKED, `Connection "${connectionId}" was revoked`, {
      remedy: `Grant access again to use "${connectionId}", or delete it.`,
    })
    this.connectionId = connectionId
  }
}

/**
 * Zoho did not confirm a revoke (an error answer, a throttle, no answer at all): the connection
 * is left exactly as it was, since its refresh token may still be live at Zoho.
 */
export class RevokeFailedError extends ZohoAuthError {
  override name = 'RevokeFailedError'
  readonly connectionId: string

  constructor(init: { connectionId: string; cause: unknown }) {
    const cause = init.cause
    const what = cause instanceof Error ? cause.message : String(cause)
    const id = init.connectionId
    const remedy =
      cause instanceof ZohoThrottledError
        ? `Zoho is throttling this client: wait a few minutes, then revoke "${id}" again.`
        : cause instanceof TransportError
          ? `Check the network to Zoho, then revoke "${id}" again.`
          : cause instanceof UnexpectedResponseError ||
              (cause instanceof ZohoOAuthError && cause.status >= 500)
            ? `Zoho failed on its side: wait a moment, then revoke "${id}" again.`
            : `${cause instanceof ZohoAuthError ? `${cause.remedy} ` : ''}Then revoke "${id}" again.`
    super(
      ERR_REVOKE_FAILED,
      `Revoking "${init.connectionId}" at Zoho failed (${what}); the connection is unchanged and its refresh token may still be live at Zoho`,
      { remedy, cause },
    )
    this.connectionId = init.connectionId
  }
}

/**
 * A revoke found the connection granted again (replaced, or deleted and created with another
 * refresh token) while its request was in flight: the old grant is revoked, the new one is kept.
 */
export class ConnectionRegrantedError extends ZohoAuthError {
  override name = 'ConnectionRegrantedError'
  readonly connectionId: string

  constructor(connectionId: string) {
    super(
      ERR_CONNECTION_REGRANTED,
      `Connection "${connectionId}" was granted again while its old refresh token was being revoked: the old one is revoked at Zoho, the new grant is active and was kept`,
      { remedy: `Revoke "${connectionId}" again if the new grant should go too.` },
    )
    this.connectionId = connectionId
  }
}

/** The connection's OAuth client is unknown to this manager. */
export class ClientNotConfiguredError extends ZohoAuthError {
  override name = 'ClientNotConfiguredError'

  constructor(clientId: string | undefined) {
    super(
      ERR_CLIENT_NOT_CONFIGURED,
      clientId === undefined
        ? 'No OAuth client is configured'
        : `OAuth client "${clientId}" is not configured`,
      { remedy: 'Set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET, or register the client first.' },
    )
  }
}

/** A code exchange returned no refresh token (the grant was made with access_type=online). */
export class NoRefreshTokenError extends ZohoAuthError {
  override name = 'NoRefreshTokenError'

  constructor() {
    super(ERR_NO_REFRESH_TOKEN, 'Zoho returned no refresh token for this code', {
      remedy:
        'Authorise again with access_type=offline (and prompt=consent if the user granted this client before).',
    })
  }
}

/** Waited for another process's refresh longer than any lease allows. */
export class RefreshTimeoutError extends ZohoAuthError {
  override name = 'RefreshTimeoutError'

  constructor(connectionId: string) {
    super(ERR_REFRESH_TIMEOUT, `Timed out waiting for a token refresh of "${connectionId}"`, {
      remedy: 'Check the network to Zoho and the store, then retry.',
    })
  }
}

/** A data-centre location that is not in the trusted table. */
export class UnknownDataCenterError extends ZohoAuthError {
  override name = 'UnknownDataCenterError'

  constructor(location: string) {
    super(ERR_UNKNOWN_DATA_CENTER, `Unknown Zoho data centre "${location}"`, {
      remedy: 'Use one of us, eu, in, au, jp, ca, sa, uk, cn.',
    })
  }
}

/** A stored connection's API domain is not the trusted one of its DC: hand out no token for it. */
export class ConnectionApiDomainError extends ZohoAuthError {
  override name = 'ConnectionApiDomainError'
  readonly connectionId: string

  constructor(init: { connectionId: string; apiDomain: string; dc: string; expected?: string }) {
    super(
      ERR_UNTRUSTED_API_DOMAIN,
      init.expected === undefined
        ? `Connection "${init.connectionId}" is in data centre "${init.dc}", which is not in the data-centre table`
        : `Connection "${init.connectionId}" names API domain "${init.apiDomain}", not ${init.expected} of its data centre (${init.dc})`,
      {
        remedy: `The stored connection was altered, or created with another data-centre table (the emulator's?): run with that table, or grant access again for "${init.connectionId}".`,
      },
    )
    this.connectionId = init.connectionId
  }
}

/** A stored connection's accounts server is not the trusted one of its DC: send it nothing. */
export class ConnectionAccountsServerError extends ZohoAuthError {
  override name = 'ConnectionAccountsServerError'
  readonly connectionId: string

  constructor(init: {
    connectionId: string
    accountsServer: string
    dc: string
    expected?: string
  }) {
    super(
      ERR_UNTRUSTED_ACCOUNTS_SERVER,
      init.expected === undefined
        ? `Connection "${init.connectionId}" is in data centre "${init.dc}", which is not in the data-centre table`
        : `Connection "${init.connectionId}" names accounts server "${init.accountsServer}", not ${init.expected} of its data centre (${init.dc})`,
      {
        remedy: `The stored connection was altered, or created with another data-centre table (the emulator's?): run with that table, or grant access again for "${init.connectionId}".`,
      },
    )
    this.connectionId = init.connectionId
  }
}
