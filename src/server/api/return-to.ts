/**
 * Where a connect flow may send the person afterwards: the broker's own origin or one listed in
 * `settings.returnToOrigins`. Anything else is refused when the link is minted, so the broker
 * can never be made into an open redirect.
 */
import type { BrokerSettings } from '../deps.js'
import { hasControlCharacter } from '../ui/html.js'
import { badRequest } from './body.js'

/** True when `returnTo` is an absolute http(s) URL on an allowed origin. */
export function isAllowedReturnTo(
  settings: Pick<BrokerSettings, 'publicUrl' | 'returnToOrigins'>,
  returnTo: string,
): boolean {
  // The URL parser drops tabs and newlines, but /connect refuses them (connect/return-to.ts):
  // a link holding one would be spent by its first use and then refused.
  if (hasControlCharacter(returnTo)) return false
  let url: URL
  try {
    url = new URL(returnTo)
  } catch {
    return false
  }
  // Userinfo (`https://app.example.com@evil.test`) would only confuse people reading the link.
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    return false
  }
  const allowed = [settings.publicUrl, ...settings.returnToOrigins].flatMap((origin) => {
    try {
      return [new URL(origin).origin]
    } catch {
      return []
    }
  })
  return allowed.includes(url.origin)
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
