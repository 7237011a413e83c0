/**
 * The nine data centres the emulator serves, each under `{base}/{dc}/accounts` and `{base}/{dc}/api`.
 * Kept here (not imported from src/protocol) because the emulator is Zoho, not a client of it.
 */
export const DCS = ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'uk', 'cn'] as const

export type Dc = (typeof DCS)[number]

export function isDc(value: unknown): value is Dc {
  return typeof value === 'string' && (DCS as readonly string[]).includes(value)
}

export function accountsServer(base: string, dc: Dc): string {
  return `${base}/${dc}/accounts`
}

export function apiDomain(base: string, dc: Dc): string {
  return `${base}/${dc}/api`
}
