/**
 * Why a token could not be had, as one error type a page can switch on (`error.reason`), with
 * what to offer the user (`remedy`) and the account it concerns.
 */

/** Every reason the browser module reports. */
export type BrowserAuthReason =
  /** No account is signed in (or the active one was signed out). */
  | 'signed_out'
  /** Zoho's session in this browser ended (signed out, timed out, or another user signed in). */
  | 'session_ended'
  /** The user did not tick "grant access for the entire session": no silent refresh. */
  | 'not_granted_for_session'
  /** The scopes asked for go beyond the first grant: the user must consent again. */
  | 'prompt_required'
  /** The account has no org of the product a scope names. */
  | 'no_org'
  /** The user refused, or Zoho refused the client. */
  | 'access_denied'
  /** The redirect's `state` is not one this tab sent (or was already used). */
  | 'state_mismatch'
  /** Refreshing now would pass Zoho's token limit and earn `Access Denied`. */
  | 'too_many_refreshes'
  | 'popup_blocked'
  | 'popup_closed'
  /** Another tab's refresh, or a popup, did not finish in time. */
  | 'timeout'
  /** The account could not be identified (CRM CurrentUser failed). */
  | 'identify_failed'
  /** A URL outside the account's API domain: the token is never sent there. */
  | 'foreign_url'
  /** The broker refused (broker-backed mode): its message and remedy say why. */
  | 'broker_error'
  /** Any other error Zoho put on the redirect (`error.zohoError` has it). */
  | 'zoho_error'

/** The account an error concerns, as the page can show it. */
export interface AccountRef {
  zuid: string
  email: string
  dc: string
}

/** The one error type of `zoho-auth/browser`. */
export class BrowserAuthError extends Error {
  // Declared, not initialised, so the bundle carries no field definitions (issue 9's 5 kB).
  declare readonly reason: BrowserAuthReason
  /** What the user or the app should do next. */
  declare readonly remedy: string
  declare readonly account: AccountRef | undefined
  /** The `error` Zoho sent, when it came from Zoho. */
  declare zohoError: string | undefined
  constructor(
    reason: BrowserAuthReason,
    message: string,
    remedy: string,
    account?: AccountRef,
    zohoError?: string,
  ) {
    super(message)
    Object.assign(this, { name: 'BrowserAuthError', reason, remedy, account, zohoError })
  }
}

// Zoho's redirect errors other than client_not_granted, each its own reason: [message, remedy
// (else sign in)].
const REDIRECT_ERRORS: Record<string, [string, string?]> = {
  prompt_required: ["The scopes need the user's consent again"],
  no_org: [
    'The Zoho account has no org of the product a scope names',
    'Sign in with an account of that product, or ask fewer scopes.',
  ],
  access_denied: ['Zoho denied access', 'Sign in and accept.'],
}

/** What to offer when Zoho's `error` comes back on a redirect. */
export function zohoRedirectError(error: string, account?: AccountRef): BrowserAuthError {
  const signIn = `Sign in again${account ? ` as ${account.email}` : ''}.`
  const [reason, message, remedy = signIn]: [BrowserAuthReason, string, string?] =
    error === 'client_not_granted'
      ? account
        ? [
            'session_ended',
            `Zoho's session for ${account.email} has ended in this browser`,
            `${signIn} Zoho keeps one signed-in user per browser.`,
          ]
        : ['not_granted_for_session', 'Zoho did not grant access for the session']
      : Object.hasOwn(REDIRECT_ERRORS, error)
        ? [error as BrowserAuthReason, ...(REDIRECT_ERRORS[error] as [string, string?])]
        : ['zoho_error', `Zoho answered ${error}`]
  return new BrowserAuthError(reason, message, remedy, account, error)
}
