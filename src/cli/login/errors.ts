/**
 * Why `zoho-auth login` did not finish. One class, a code per way it ends, so scripts can
 * branch on `code` and people read `message` and `remedy`.
 */
import { ZohoAuthError } from '../../protocol/errors.js'

/** ZOHO_REDIRECT_URI is not an http:// loopback URL this process can listen on. */
export const ERR_LOGIN_REDIRECT_URI = 'ERR_LOGIN_REDIRECT_URI'
/** The loopback port is taken by another process. */
export const ERR_LOGIN_PORT_IN_USE = 'ERR_LOGIN_PORT_IN_USE'
/** Nobody finished signing in (or approving the device code) in time. */
export const ERR_LOGIN_TIMEOUT = 'ERR_LOGIN_TIMEOUT'
/** Ctrl-C (or SIGTERM) while waiting. */
export const ERR_LOGIN_CANCELLED = 'ERR_LOGIN_CANCELLED'
/** Zoho sent the user back with an `error` (access_denied, no_org, …). */
export const ERR_LOGIN_REFUSED = 'ERR_LOGIN_REFUSED'

export class LoginError extends ZohoAuthError {
  override name = 'LoginError'
  /** Zoho's raw `error` when Zoho refused. */
  readonly error: string | undefined

  constructor(
    code: string,
    message: string,
    options: { remedy: string; error?: string; cause?: unknown },
  ) {
    super(code, message, options)
    this.error = options.error
  }
}

export function loginCancelled(): LoginError {
  return new LoginError(ERR_LOGIN_CANCELLED, 'Login cancelled; nothing was stored', {
    remedy: 'Run `zoho-auth login` again when you are ready.',
  })
}
