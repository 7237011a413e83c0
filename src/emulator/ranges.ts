/**
 * The ranges every number of the control API must fall in. Past them the emulator's arithmetic
 * stops meaning anything (1e308 seconds is an Infinity clock, then NaN), and an upper bound also
 * catches milliseconds typed where seconds are meant (docs/zoho-behaviour.md §7).
 */

export interface NumberRange {
  min: number
  max: number
  /** Only whole numbers (every count, and every duration in seconds). */
  whole: boolean
  /** What the number counts, for the message: "seconds", "milliseconds". */
  unit?: string
  /** How the upper bound reads to a person: "10 years". */
  maxInWords?: string
}

export function inRange(value: unknown, range: NumberRange): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.whole || Number.isInteger(value))
  )
}

/** `a whole number of seconds from 1 to 3600` */
export function describeRange(range: NumberRange): string {
  const kind = range.whole ? 'a whole number' : 'a number'
  const unit = range.unit ? ` of ${range.unit}` : ''
  const words = range.maxInWords ? ` (${range.maxInWords})` : ''
  return `${kind}${unit} from ${range.min} to ${range.max}${words}`
}

/** The offending value as the caller sent it, cut short: `(got 1e+308)`. */
export function got(value: unknown): string {
  // JSON.parse turns 1e400 into Infinity, which JSON.stringify would show as null.
  const shown = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value))
  return `(got ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown})`
}

/** `<label> must be <range> (got <value>)` */
export function rangeMessage(label: string, range: NumberRange, value: unknown): string {
  return `${label} must be ${describeRange(range)} ${got(value)}`
}

/** A status a Response can carry at all. */
export const HTTP_STATUS: NumberRange = { min: 200, max: 599, whole: true }

// Fetch forbids a body with these statuses: a response built with one would crash the request.
export const BODILESS_STATUSES: ReadonlySet<number> = new Set([204, 205, 304])
