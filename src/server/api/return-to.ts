/**
 * Where a connect flow may send the person afterwards: the broker's own origin or one listed in
 * `settings.returnToOrigins`. Anything else is refused when the link is minted, so the broker
 * can never be made into an open redirect. The origin rule is /connect's own
 * (connect/return-to.ts), so a link minted here is never refused when it is used.
 */
import { allowedReturnTo } from '../connect/return-to.js'
import type { BrokerSettings } from '../deps.js'
import { badRequest } from './body.js'

/** True when `returnTo` is an absolute http(s) URL on an allowed origin. */
export function isAllowedReturnTo(
  settings: Pick<BrokerSettings, 'publicUrl' | 'returnToOrigins'>,
  returnTo: string,
): boolean {
  // A link carries an absolute URL: /connect would resolve a relative one, the API does not.
  return URL.canParse(returnTo) && allowedReturnTo(settings, returnTo) !== null
}

/** `returnTo` itself, or a 400 naming the origins that are allowed. */
export function checkReturnTo(
  settings: Pick<BrokerSettings, 'publicUrl' | 'returnToOrigins'>,
  returnTo: string,
): string {
  if (!isAllowedReturnTo(settings, returnTo)) {
    throw badRequest(
      'Field "return_to" is not on an allowed origin',
      `Use an absolute URL on ${[settings.publicUrl, ...settings.returnToOrigins].join(' or ')}; add your app's origin to ZOHO_AUTH_ALLOWED_ORIGINS to allow it.`,
    )
  }
  return returnTo
}
