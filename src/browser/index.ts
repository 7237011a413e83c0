/**
 * `zoho-auth/browser`: Zoho sign-in for single-page apps, with no dependencies. Direct mode:
 * Zoho's implicit flow, a token per account, refresh by redirect while Zoho's session lives, one
 * refresh for all tabs. See docs/browser.md for which mode to choose.
 */
export { createZohoBrowserAuth } from './client.js'
export type {
  AccountInfo,
  RedirectOutcome,
  ZohoBrowserAuth,
  ZohoBrowserAuthOptions,
} from './client.js'
export { BrowserAuthError } from './errors.js'
export type { AccountRef, BrowserAuthReason } from './errors.js'
export { parseZohoFragment } from './fragment.js'
export type { ZohoErrorFragment, ZohoTokenFragment } from './fragment.js'
export { DC_LOCATIONS, dcHosts } from './dcs.js'
export type { DcHosts } from './dcs.js'
export { createBrokerClient } from './broker.js'
export type { BrokerAccount, BrokerClient, BrokerClientOptions } from './broker.js'
