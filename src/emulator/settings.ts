/**
 * Every Zoho limit and wire-format variant the emulator reproduces, each one a setting so a test
 * can flip it (docs/zoho-behaviour.md §3–4 give the defaults, §7 the ranges).
 */
import { got, inRange, rangeMessage, type NumberRange } from './ranges.js'

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

const seconds = (min: number, max: number): NumberRange => ({
  min,
  max,
  whole: true,
  unit: 'seconds',
})
const count = (min: number, max: number): NumberRange => ({ min, max, whole: true })

/**
 * The range of each numeric setting, wide around Zoho's value (in the comment) yet narrow enough
 * that a value in milliseconds, or one that overflows the clock, is refused. Zero means "no
 * pacing" or "no limit" where it is allowed.
 */
type NumericSetting = Exclude<
  {
    [K in keyof EmulatorSettings]: EmulatorSettings[K] extends number ? K : never
  }[keyof EmulatorSettings],
  'oauth_error_status' | 'throttle_status'
>

export const SETTING_RANGES: Readonly<Record<NumericSetting, NumberRange>> = {
  code_ttl: seconds(1, 3600), // 120
  access_token_ttl: seconds(1, 604_800), // 3600; a week lets a test hold a token across days
  mints_per_window: count(1, 10_000), // 10
  mint_window: seconds(1, 86_400), // 600
  max_active_access_tokens: count(1, 10_000), // 15
  max_refresh_tokens: count(1, 10_000), // 20
  grant_codes_per_window: count(1, 10_000), // 10
  grant_code_window: seconds(1, 86_400), // 600
  device_code_ttl: seconds(1, 3600), // 300
  device_poll_interval: seconds(0, 3600), // 30
  api_concurrency_limit: count(0, 10_000), // Free 5 ... Ultimate 25
  api_credits_per_day: count(0, 10_000_000), // Free 5k ... Enterprise up to 2M; Ultimate unlimited
}

// Zoho answers flat errors with 200 or a 4xx/5xx; a 204 or 304 could not even carry the body.
const STATUS_SETTINGS = new Set(['oauth_error_status', 'throttle_status'])
const ERROR_STATUS: NumberRange = { min: 400, max: 599, whole: true }

export class SettingsError extends Error {
  override name = 'SettingsError'
}

function checked(name: string, value: unknown): unknown {
  const choices = CHOICES[name]
  if (choices) {
    if (typeof value !== 'string' || !choices.includes(value)) {
      const list = choices.map((choice) => `"${choice}"`).join(', ')
      throw new SettingsError(`setting "${name}" must be one of ${list}`)
    }
    return value
  }
  if (typeof DEFAULT_SETTINGS[name as keyof EmulatorSettings] === 'boolean') {
    if (typeof value !== 'boolean') throw new SettingsError(`setting "${name}" must be a boolean`)
    return value
  }
  if (STATUS_SETTINGS.has(name)) {
    if (value === 200 || inRange(value, ERROR_STATUS)) return value
    throw new SettingsError(
      `setting "${name}" must be 200 or an HTTP status from 400 to 599 ${got(value)}`,
    )
  }
  const range = (SETTING_RANGES as Record<string, NumberRange | undefined>)[name]
  if (!range) throw new Error(`setting "${name}" has no range`)
  if (!inRange(value, range))
    throw new SettingsError(rangeMessage(`setting "${name}"`, range, value))
  return value
}

/** Validates `input` against the known names, types and ranges; returns the merged settings. */
export function mergeSettings(
  current: Readonly<EmulatorSettings>,
  input: Record<string, unknown>,
): EmulatorSettings {
  const next: EmulatorSettings = { ...current }
  for (const [name, value] of Object.entries(input)) {
    // Own names only: `in` would accept `constructor`, `toString` and friends.
    if (!Object.hasOwn(DEFAULT_SETTINGS, name)) throw new SettingsError(`unknown setting "${name}"`)
    ;(next as unknown as Record<string, unknown>)[name] = checked(name, value)
  }
  return next
}
