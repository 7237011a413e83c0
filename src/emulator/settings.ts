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
  /** What CRM answers an expired access token with: Zoho sometimes sends AUTHENTICATION_FAILURE. */
  expired_token_code: 'INVALID_TOKEN' | 'AUTHENTICATION_FAILURE'
  /** The `Access Denied` text: the long-standing one, or Zoho's newer wording. */
  throttle_message: 'legacy' | 'new'
  /** Concurrent CRM requests per client per DC before 429 TOO_MANY_REQUESTS; 0 = no limit. */
  api_concurrency_limit: number
  /** CRM credits (one per call) per client per DC per rolling 24 h; 0 = no limit. */
  api_credits_per_day: number
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
  expired_token_code: 'INVALID_TOKEN',
  throttle_message: 'legacy',
  api_concurrency_limit: 0,
  api_credits_per_day: 0,
})

// The values a string setting may take.
const CHOICES: Record<string, readonly string[]> = {
  expired_token_code: ['INVALID_TOKEN', 'AUTHENTICATION_FAILURE'],
  throttle_message: ['legacy', 'new'],
}

const STATUS_SETTINGS = new Set(['oauth_error_status', 'throttle_status'])
// Zero is meaningful for the poll interval (no pacing); every other number must be positive.
const ZERO_ALLOWED = new Set([
  'device_poll_interval',
  'api_concurrency_limit',
  'api_credits_per_day',
])
const WHOLE_NUMBERS = new Set(['api_concurrency_limit', 'api_credits_per_day'])

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
    const choices = CHOICES[name]
    if (choices) {
      if (typeof value !== 'string' || !choices.includes(value)) {
        const list = choices.map((choice) => `"${choice}"`).join(', ')
        throw new SettingsError(`setting "${name}" must be one of ${list}`)
      }
      ;(next as unknown as Record<string, unknown>)[key] = value
      continue
    }
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
    if (WHOLE_NUMBERS.has(name) && !Number.isInteger(value)) {
      throw new SettingsError(`setting "${name}" must be a whole number`)
    }
    ;(next as unknown as Record<string, unknown>)[key] = value
  }
  return next
}
