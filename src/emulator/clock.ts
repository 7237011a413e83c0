/**
 * The emulator's clock: real time (or the injected base clock) plus whatever a test added through
 * `POST __emulator/clock`. Every expiry and quota window reads it.
 */
import type { NumberRange } from './ranges.js'

export interface Clock {
  /** Milliseconds since the epoch, offset included. */
  now(): number
  /** How far the clock has been moved ahead, in seconds. */
  aheadSeconds(): number
  advance(seconds: number): number
  reset(): void
}

/**
 * One step of `POST __emulator/clock`. Time only moves forward (Zoho's clock never runs back),
 * and at most ten years at a time, so the clock always stays a real date.
 */
export const CLOCK_STEP: NumberRange = {
  min: 0,
  max: 315_360_000,
  whole: false,
  unit: 'seconds',
  maxInWords: '10 years',
}

/** How far ahead all the steps together may put the clock: 100 years. */
export const MAX_AHEAD_SECONDS = 3_153_600_000

export function createClock(base: () => number = Date.now): Clock {
  let offsetMs = 0
  return {
    now: () => base() + offsetMs,
    aheadSeconds: () => offsetMs / 1000,
    advance(seconds) {
      offsetMs += seconds * 1000
      return base() + offsetMs
    },
    reset() {
      offsetMs = 0
    },
  }
}
