/**
 * Where each data centre's accounts server and API live. The module takes these from here (or
 * from the emulator's base URL), never from a redirect, so a forged fragment cannot send a token
 * elsewhere.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */

// [accounts host suffix, API host suffix]; Canada is the exception to every pattern.
const HOSTS: Record<string, [string, string]> = {
  us: ['zoho.com', 'zohoapis.com'],
  eu: ['zoho.eu', 'zohoapis.eu'],
  in: ['zoho.in', 'zohoapis.in'],
  au: ['zoho.com.au', 'zohoapis.com.au'],
  jp: ['zoho.jp', 'zohoapis.jp'],
  ca: ['zohocloud.ca', 'zohoapis.ca'],
  sa: ['zoho.sa', 'zohoapis.sa'],
  uk: ['zoho.uk', 'zohoapis.uk'],
  cn: ['zoho.com.cn', 'zohoapis.com.cn'],
}

/** A data centre's accounts server and API domain, without trailing slashes. */
export interface DcHosts {
  accounts: string
  api: string
}

/** The hosts of `dc`, from Zoho's table or under the emulator's base URL; undefined if unknown. */
export function dcHosts(dc: string, emulatorURL?: string): DcHosts | undefined {
  const hosts = Object.hasOwn(HOSTS, dc) ? HOSTS[dc] : undefined
  if (!hosts) return undefined
  if (emulatorURL) {
    const base = emulatorURL.replace(/\/+$/, '')
    return { accounts: `${base}/${dc}/accounts`, api: `${base}/${dc}/api` }
  }
  return { accounts: `https://accounts.${hosts[0]}`, api: `https://www.${hosts[1]}` }
}

/** Every DC location the module knows. */
export const DC_LOCATIONS: readonly string[] = Object.keys(HOSTS)
