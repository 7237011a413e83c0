/**
 * Every Zoho limit and wire-format variant the emulator reproduces, each one a setting so a test
 * can flip it (ZOHO.md §3–4 give the defaults).
 */
export interface EmulatorSettings {
  /** Lifetime of a redirect-flow grant code, seconds (Zoho: 2 min). */
  code_ttl: number
  access_token_ttl: number
  /** Access tokens minted per refresh token per `mint_window` before `Access Denied`. */
  mints_per_window: number
  mint_window: number
  /** Live access tokens per refresh token; the next one evicts the oldest. */
  max_active_access_tokens: number
  /** Refresh tokens per user per client; the next one silently deletes the oldest. */
  max_refresh_tokens: number
  grant_codes_per_window: number
  grant_code_window: number
  device_code_ttl: number
  device_poll_interval: number
  /** HTTP status of flat `{"error"}` answers: Zoho sends most of them with 200. */
  oauth_error_status: number
  throttle_status: number
  /** Old variant: `expires_in` in milliseconds with `expires_in_sec` beside it. */
  expires_in_millis: boolean
  include_scope: boolean
}

export const DEFAULT_SETTINGS: Readonly<EmulatorSettings> = Object.freeze({
  code_ttl: 120,
  access_token_ttl: 3600,
  mints_per_window: 10,
  mint_window: 600,
  max_active_access_tokens: 15,
  max_refresh_tokens: 20,
  grant_codes_per_window: 10,
  grant_code_window: 600,
  device_code_ttl: 300,
  device_poll_interval: 30,
  oauth_error_status: 200,
  throttle_status: 400,
  expires_in_millis: false,
  include_scope: true,
})

const STATUS_SETTINGS = new Set(['oauth_error_status', 'throttle_status'])
// Zero is meaningful for the poll interval (no pacing); every other number must be positive.
const ZERO_ALLOWED = new Set(['device_poll_interval'])

export class SettingsError extends Error {
  override name = 'SettingsError'
}

/** Validates `input` against the known names and types; returns the merged settings. */
export function mergeSettings(
  current: Readonly<EmulatorSettings>,
  input: Record<string, unknown>,
): EmulatorSettings {
  const next: EmulatorSettings = { ...current }
  for (const [name, value] of Object.entries(input)) {
    // Own names only: `in` would accept `constructor`, `toString` and friends.
    if (!Object.hasOwn(DEFAULT_SETTINGS, name)) throw new SettingsError(`unknown setting "${name}"`)
    const key = name as keyof EmulatorSettings
    if (typeof DEFAULT_SETTINGS[key] === 'boolean') {
      if (typeof value !== 'boolean') throw new SettingsError(`setting "${name}" must be a boolean`)
      ;(next as unknown as Record<string, unknown>)[key] = value
      continue
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new SettingsError(`setting "${name}" must be a number`)
    }
    if (STATUS_SETTINGS.has(name) && (!Number.isInteger(value) || value < 200 || value > 599)) {
      throw new SettingsError(`setting "${name}" must be an HTTP status (200-599)`)
    }
    if (value < 0 || (value === 0 && !ZERO_ALLOWED.has(name))) {
      throw new SettingsError(`setting "${name}" must be positive`)
    }
    ;(next as unknown as Record<string, unknown>)[key] = value
  }
  return next
}
