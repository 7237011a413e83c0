/**
 * Zoho's data centres: where each one's accounts server and API live.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
import { ERR_INSECURE_URL, ZohoAuthError } from './errors.js'

/**
 * Every `location` Zoho puts on callbacks, one per data centre.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export const DATA_CENTER_LOCATIONS = ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'uk', 'cn'] as const

/**
 * A Zoho data centre, by the `location` value Zoho puts on callbacks.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export type DataCenterLocation = (typeof DATA_CENTER_LOCATIONS)[number]

/**
 * One data centre: where its accounts server and its API live.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export interface DataCenter {
  location: DataCenterLocation
  /** Origin of the accounts server, without a trailing slash (`https://accounts.zoho.eu`). */
  accountsServer: string
  /** The `api_domain` Zoho returns with tokens for this DC (`https://www.zohoapis.eu`). */
  apiDomain: string
}

// Canada is the exception to every `zoho.<tld>` template: its accounts live on zohocloud.ca.
const ZOHO_DATA_CENTERS: readonly DataCenter[] = [
  {
    location: 'us',
    accountsServer: 'https://accounts.zoho.com',
    apiDomain: 'https://www.zohoapis.com',
  },
  {
    location: 'eu',
    accountsServer: 'https://accounts.zoho.eu',
    apiDomain: 'https://www.zohoapis.eu',
  },
  {
    location: 'in',
    accountsServer: 'https://accounts.zoho.in',
    apiDomain: 'https://www.zohoapis.in',
  },
  {
    location: 'au',
    accountsServer: 'https://accounts.zoho.com.au',
    apiDomain: 'https://www.zohoapis.com.au',
  },
  {
    location: 'jp',
    accountsServer: 'https://accounts.zoho.jp',
    apiDomain: 'https://www.zohoapis.jp',
  },
  {
    location: 'ca',
    accountsServer: 'https://accounts.zohocloud.ca',
    apiDomain: 'https://www.zohoapis.ca',
  },
  {
    location: 'sa',
    accountsServer: 'https://accounts.zoho.sa',
    apiDomain: 'https://www.zohoapis.sa',
  },
  // Zoho documents the UK accounts server; its API host follows the pattern (inferred).
  {
    location: 'uk',
    accountsServer: 'https://accounts.zoho.uk',
    apiDomain: 'https://www.zohoapis.uk',
  },
  {
    location: 'cn',
    accountsServer: 'https://accounts.zoho.com.cn',
    apiDomain: 'https://www.zohoapis.com.cn',
  },
]

/**
 * The set of data centres a client trusts: Zoho's, or an emulator's.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export interface DataCenterTable {
  readonly dataCenters: readonly DataCenter[]
  /** True when this table points at an emulator rather than Zoho. */
  readonly emulated: boolean
  byLocation(location: string): DataCenter | undefined
  /** Finds a DC by accounts server; tolerates a trailing slash and letter case. */
  byAccountsServer(accountsServer: string): DataCenter | undefined
  /** Finds a DC by API domain, or by a sandbox/developer API host of that DC. */
  byApiDomain(apiDomain: string): DataCenter | undefined
}

/**
 * True when `value` is one of Zoho's `location` codes.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export function isDataCenterLocation(value: string): value is DataCenterLocation {
  return (DATA_CENTER_LOCATIONS as readonly string[]).includes(value)
}

function normalizeOrigin(url: string): string {
  try {
    const parsed = new URL(url.trim())
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`.toLowerCase()
  } catch {
    return ''
  }
}

function createTable(dataCenters: readonly DataCenter[], emulated: boolean): DataCenterTable {
  const byAccounts = new Map(dataCenters.map((dc) => [normalizeOrigin(dc.accountsServer), dc]))
  const byApi = new Map(dataCenters.map((dc) => [normalizeOrigin(dc.apiDomain), dc]))
  return {
    dataCenters,
    emulated,
    byLocation: (location) =>
      dataCenters.find((dc) => dc.location === location.trim().toLowerCase()),
    byAccountsServer: (accountsServer) => byAccounts.get(normalizeOrigin(accountsServer)),
    byApiDomain(apiDomain) {
      const normalized = normalizeOrigin(apiDomain)
      // Zoho's sandbox and developer API hosts belong to the same DC as www.
      const www = normalized.replace(/^https:\/\/(sandbox|developer)\./, 'https://www.')
      return byApi.get(normalized) ?? byApi.get(www)
    },
  }
}

/**
 * Zoho's nine production data centres.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export const zohoDataCenters: DataCenterTable = createTable(ZOHO_DATA_CENTERS, false)

/**
 * The same nine data centres served by an emulator under one base URL:
 * `{base}/{dc}/accounts` and `{base}/{dc}/api`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export function emulatorDataCenters(baseURL: string): DataCenterTable {
  // Refused here, once: else every URL built from it fails later as a bare "Invalid URL".
  const parsed = URL.canParse(baseURL) ? new URL(baseURL) : undefined
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ZohoAuthError(
      ERR_INSECURE_URL,
      `The emulator URL "${baseURL}" is not an http(s) URL`,
      {
        remedy:
          'Set ZOHO_EMULATOR_URL to the base URL the emulator printed at start, e.g. http://127.0.0.1:3002.',
      },
    )
  }
  const base = baseURL.trim().replace(/\/+$/, '')
  return createTable(
    DATA_CENTER_LOCATIONS.map((location) => ({
      location,
      accountsServer: `${base}/${location}/accounts`,
      apiDomain: `${base}/${location}/api`,
    })),
    true,
  )
}

// Zoho's sandbox and developer API hosts belong to the same DC as its www host.
const API_HOST_VARIANTS = ['sandbox', 'developer']

/** Every API host of `dc`, as the table spells it: www, then (for Zoho's) sandbox and developer. */
function apiHostsOf(dc: DataCenter): string[] {
  const www = /^(https:\/\/)www\./.exec(dc.apiDomain)
  if (www === null) return [dc.apiDomain]
  const rest = dc.apiDomain.slice(www[0].length)
  return [dc.apiDomain, ...API_HOST_VARIANTS.map((variant) => `${www[1]}${variant}.${rest}`)]
}

/**
 * The API host a connection of DC `location` may use, when `received` (an `api_domain` from a
 * token answer, a callback or a stored row) names one: the string comes from `table`, never
 * from `received`. Undefined for anything else — another DC's host, another host, a URL with
 * credentials, a query, a fragment or a path beyond the table's, or no URL at all — so the
 * caller refuses it with the error that fits where the value came from.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export function trustedApiDomain(
  table: DataCenterTable,
  location: string,
  received: string,
): string | undefined {
  const dc = table.byLocation(location)
  if (dc === undefined) return undefined
  let url: URL
  try {
    url = new URL(received.trim())
  } catch {
    return undefined
  }
  if (url.username || url.password || url.search || url.hash) return undefined
  const normalized = normalizeOrigin(url.href)
  return apiHostsOf(dc).find((host) => normalizeOrigin(host) === normalized)
}

/**
 * Zoho's table, or the emulator's when `emulatorURL` is set (`ZOHO_EMULATOR_URL`).
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export function dataCenterTable(
  options: { emulatorURL?: string | undefined } = {},
): DataCenterTable {
  return options.emulatorURL ? emulatorDataCenters(options.emulatorURL) : zohoDataCenters
}
