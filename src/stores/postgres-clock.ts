/**
 * The database's clock, for the judgements several machines must agree on. Leases, mint windows
 * and token expiry are compared across instances, and each instance's `now` comes from its own
 * clock: a peer whose clock runs minutes ahead would take a live lease and record mints the
 * others count as future (so not at all), and one behind would serve a token past its expiry. So the PostgreSQL store measures how far the caller's clock is from
 * the database's (`clock_timestamp()`, halving the round trip) and moves every caller time into
 * database time on the way in and back on the way out. Each caller still speaks its own clock,
 * fake clocks in tests included; only the offset between clocks is measured.
 */

/** One reading of the database clock, and the caller's clock just before and after it. */
export interface ClockReading {
  databaseMs: number
  before: number
  after: number
}

// Readings per measurement; the one with the shortest round trip is the least uncertain.
const SAMPLES = 3
// How often the offset is measured again (clocks drift, NTP steps them).
const REMEASURE_MS = 60_000
// A new offset closer than this to the current one is measurement noise, and ignored: a steady
// offset keeps a mint's time identical on its way in and out, so forgetMint finds it.
const NOISE_MS = 250
// Clocks closer than this agree (NTP keeps servers well inside it), and times pass unchanged:
// so two handles, each with its own measurement, read exactly the same times, and a second
// is nothing beside 30 s leases and 10-minute mint windows.
const AGREE_MS = 1000

export class DatabaseClock {
  readonly #read: () => Promise<ClockReading>
  readonly #clock: () => number
  #offset: number | null = null
  #measuredAt = 0
  #measuring: Promise<number> | null = null

  /** `read` reads the database clock; `clock` is the one callers' times come from. */
  constructor(read: () => Promise<ClockReading>, clock: () => number = Date.now) {
    this.#read = read
    this.#clock = clock
  }

  /** Database time minus caller time, in whole ms; measured on first use, then now and then. */
  async offset(): Promise<number> {
    if (this.#offset === null) return this.#measure()
    if (this.#clock() - this.#measuredAt >= REMEASURE_MS) {
      // In the background: the current offset serves meanwhile.
      this.#measure().catch(() => undefined)
    }
    return this.#offset
  }

  #measure(): Promise<number> {
    this.#measuring ??= (async (): Promise<number> => {
      let best: ClockReading | null = null
      for (let i = 0; i < SAMPLES; i++) {
        const reading = await this.#read()
        if (best === null || reading.after - reading.before < best.after - best.before) {
          best = reading
        }
      }
      const reading = best as ClockReading
      const skew = Math.round(reading.databaseMs - (reading.before + reading.after) / 2)
      if (!Number.isFinite(skew)) throw new Error('the database clock gave no usable time')
      const measured = Math.abs(skew) < AGREE_MS ? 0 : skew
      if (this.#offset === null || Math.abs(measured - this.#offset) > NOISE_MS) {
        this.#offset = measured
      }
      this.#measuredAt = this.#clock()
      return this.#offset
    })().finally(() => {
      this.#measuring = null
    })
    return this.#measuring
  }
}
