/**
 * Where each data centre's accounts server and API live. The module takes these from here (or
 * from the emulator's base URL), never from a redirect, so a forged fragment cannot send a token
 * elsewhere.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */

// Each DC's domain suffix: accounts.zoho.<suffix> and www.zohoapis.<suffix>, except Canada's
// accounts server (accounts.zohocloud.ca). One suffix a DC keeps the bundle small (issue 9).
const SUFFIX: Record<string, string> = {
  us: 'com',
  eu: 'eu',
  in: 'in',
  au: 'com.au',
  jp: 'jp',
  ca: 'ca',
  sa: 'sa',
  uk: 'uk',
  cn: 'com.cn',
}

/** A data centre's accounts server and API domain, without trailing slashes. */
export interface DcHosts {
  accounts: string
  api: string
}

/** The hosts of `dc`, from Zoho's table or under the emulator's base URL; undefined if unknown. */
export function dcHosts(dc: string, emulatorURL?: string): DcHosts | undefined {
  if (!Object.hasOwn(SUFFIX, dc)) return undefined
  const suffix = SUFFIX[dc] as string
  if (emulatorURL) {
    const base = `${emulatorURL.replace(/\/+$/, '')}/${dc}/`
    return { accounts: `${base}accounts`, api: `${base}api` }
  }
  const zoho = dc === 'ca' ? 'zohocloud' : 'zoho'
  return { accounts: `https://accounts.${zoho}.${suffix}`, api: `https://www.zohoapis.${suffix}` }
}

/** Every DC location the module knows. */
export const DC_LOCATIONS: readonly string[] = Object.keys(SUFFIX)
