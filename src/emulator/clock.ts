/**
 * The emulator's clock: real time (or the injected base clock) plus whatever a test added through
 * `POST __emulator/clock`. Every expiry and quota window reads it.
 */
export interface Clock {
  /** Milliseconds since the epoch, offset included. */
  now(): number
  advance(seconds: number): number
  reset(): void
}

export function createClock(base: () => number = Date.now): Clock {
  let offsetMs = 0
  return {
    now: () => base() + offsetMs,
    advance(seconds) {
      offsetMs += seconds * 1000
      return base() + offsetMs
    },
    reset() {
      offsetMs = 0
    },
  }
}
