/**
 * Everything a route needs, in one object. `POST __emulator/reset` swaps the fields for fresh
 * ones, so routes must read them through the context on every request, never cache them.
 */
import type { Clock } from './clock.js'
import type { Faults } from './faults.js'
import type { Random } from './random.js'
import type { EmulatorSettings } from './settings.js'
import type { EmulatorState } from './state.js'
import type { Stats } from './stats.js'

export interface EmulatorContext {
  state: EmulatorState
  settings: EmulatorSettings
  clock: Clock
  random: Random
  stats: Stats
  faults: Faults
}

/** A flat OAuth error, `{"error": code}` plus optional fields (`error_description`, `user_location`). */
export interface OAuthFailure {
  ok: false
  error: string
  extra?: Record<string, string>
  /** Throttling answers with its own status (`throttle_status`). */
  throttled?: boolean
}
