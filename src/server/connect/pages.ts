/**
 * The pages a person sees around a connect flow. Each says what happened and what to do, in
 * words for the person who clicked (often a backend's end user, not an engineer).
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { BrokerDeps } from '../deps.js'
import { messagePage, type MessagePageOptions } from '../ui/html.js'

/**
 * Answers with a message page. Never cached, and no Referer leaves it: the callback's URL holds
 * a grant code until it is spent.
 */
export function pageResponse(
  c: Context,
  deps: Pick<BrokerDeps, 'settings'>,
  status: ContentfulStatusCode,
  page: Omit<MessagePageOptions, 'sandboxEmulatorUrl'>,
): Response {
  return c.html(
    messagePage({ ...page, sandboxEmulatorUrl: deps.settings.sandboxEmulatorUrl }),
    status,
    { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  )
}

export const BACK_TO_UI = { href: '/', text: 'Back to the broker' }
