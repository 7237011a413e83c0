/**
 * Injected failures: an HTTP status, a body, latency, a dropped connection, or Zoho's HTML
 * roadblock page (served with HTTP 200 when Zoho's edge decides a client looks like a bot).
 */
import type { MiddlewareHandler } from 'hono'
import { isDc } from './dcs.js'
import type { Random } from './random.js'
import {
  BODILESS_STATUSES,
  HTTP_STATUS,
  got,
  inRange,
  rangeMessage,
  type NumberRange,
} from './ranges.js'

export interface FaultSpec {
  /** Applies when the request path contains this string. */
  path: string
  dc?: string | undefined
  status?: number | undefined
  body?: string | undefined
  latency_ms?: number | undefined
  drop?: boolean | undefined
  roadblock?: boolean | undefined
  /** Applies this many times, then disappears. */
  count?: number | undefined
  probability?: number | undefined
}

export const FAULT_FIELDS = [
  'path',
  'dc',
  'status',
  'body',
  'latency_ms',
  'drop',
  'roadblock',
  'count',
  'probability',
] as const

export interface Fault extends FaultSpec {
  id: string
  /** How many times it has fired. */
  hits: number
}

export interface Faults {
  add(spec: FaultSpec): Fault
  list(): Fault[]
  clear(): void
  /** The fault to apply to this request, if any (consumes one of its `count`). */
  match(path: string, dc: string | undefined): Fault | undefined
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError'
}

const LATENCY: NumberRange = { min: 0, max: 300_000, whole: true, unit: 'milliseconds' }
const COUNT: NumberRange = { min: 1, max: 1_000_000, whole: true }
const PROBABILITY: NumberRange = { min: 0, max: 1, whole: false }

/** Validates a control-API fault body by hand (it is HTTP input). */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new FaultSpecError('expected an object')
  const o = input as Record<string, unknown>
  const string = (name: string): string | undefined => {
    const v = o[name]
    if (v !== undefined && typeof v !== 'string') {
      throw new FaultSpecError(`"${name}" must be a string`)
    }
    return v
  }
  const number = (name: string, range: NumberRange): number | undefined => {
    const v = o[name]
    if (v === undefined) return undefined
    if (!inRange(v, range)) throw new FaultSpecError(rangeMessage(`"${name}"`, range, v))
    return v
  }
  const flag = (name: string): boolean | undefined => {
    const v = o[name]
    if (v === undefined) return undefined
    if (typeof v !== 'boolean') throw new FaultSpecError(`"${name}" must be a boolean`)
    return v
  }
  const dc = string('dc')
  if (dc !== undefined && !isDc(dc)) throw new FaultSpecError(`unknown dc "${dc}"`)
  const status = o.status
  // A Response can only carry 200-599; anything else would crash the request, not fake Zoho.
  if (status !== undefined && !inRange(status, HTTP_STATUS)) {
    throw new FaultSpecError(`"status" must be an HTTP status from 200 to 599 ${got(status)}`)
  }
  const path = string('path')
  // An empty path is a substring of every path: one typo would break the whole emulator.
  if (path === undefined || path.length === 0) {
    throw new FaultSpecError(
      '"path" must be a non-empty part of a request path (e.g. "/oauth/v2/token")',
    )
  }
  const spec: FaultSpec = {
    path,
    dc,
    status,
    body: string('body'),
    latency_ms: number('latency_ms', LATENCY),
    drop: flag('drop'),
    roadblock: flag('roadblock'),
    // 0 or 1.5 would fire once or twice: a count is a whole number of requests.
    count: number('count', COUNT),
    probability: number('probability', PROBABILITY),
  }
  if (spec.body !== undefined && status !== undefined && BODILESS_STATUSES.has(status)) {
    throw new FaultSpecError(
      `"body" cannot go with status ${status}: a 204, 205 or 304 answer has no body`,
    )
  }
  // A fault that changes nothing is a typo or a forgotten field, not a test of anything.
  if (
    !spec.status &&
    spec.body === undefined &&
    !spec.latency_ms &&
    !spec.drop &&
    !spec.roadblock
  ) {
    throw new FaultSpecError(
      'a fault needs at least one of status, body, latency_ms, drop, roadblock',
    )
  }
  return spec
}

export function createFaults(random: () => Random): Faults {
  let faults: Fault[] = []
  let nextId = 1
  return {
    add(spec) {
      const fault: Fault = { ...spec, id: String(nextId++), hits: 0 }
      faults.push(fault)
      return fault
    },
    list: () => faults.map((f) => ({ ...f })),
    clear() {
      faults = []
      // A reset emulator numbers its faults from 1, like a new one.
      nextId = 1
    },
    match(path, dc) {
      for (const fault of faults) {
        if (!path.includes(fault.path)) continue
        if (fault.dc !== undefined && fault.dc !== dc) continue
        if (fault.probability !== undefined && random().next() >= fault.probability) continue
        fault.hits++
        if (fault.count !== undefined && fault.hits >= fault.count) {
          faults = faults.filter((f) => f !== fault)
        }
        return fault
      }
      return undefined
    },
  }
}

/** Thrown when a fault drops a request that has no socket (in-process `fetch`). */
export class DroppedConnection extends Error {
  override name = 'DroppedConnection'
}

// What Zoho's edge serves instead of JSON when it suspects automation: an HTML page with 200.
const ROADBLOCK_HTML = `<!DOCTYPE html>
<html><head><title>Zoho Accounts</title></head>
<body><div id="roadblock"><h1>Access restricted</h1>
<p>We have detected unusual activity from your network. Please verify that you are not a robot
to continue.</p></div></body></html>
`

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

interface NodeBindings {
  incoming?: { socket?: { destroy(): void } }
}

/** Applies matching faults to every request outside the control API. */
export function faultMiddleware(faults: () => Faults): MiddlewareHandler {
  return async (c, next) => {
    const path = new URL(c.req.url).pathname
    if (path.startsWith('/__emulator')) return next()
    const dc = path.split('/')[1]
    const fault = faults().match(path, dc)
    if (!fault) return next()
    if (fault.latency_ms) await sleep(fault.latency_ms)
    if (fault.drop) {
      const socket = (c.env as NodeBindings | undefined)?.incoming?.socket
      if (!socket) throw new DroppedConnection('connection dropped by an injected fault')
      socket.destroy()
      return c.body(null, 500)
    }
    if (fault.roadblock) return c.html(ROADBLOCK_HTML, 200)
    if (fault.status !== undefined || fault.body !== undefined) {
      const status = fault.status ?? 200
      if (BODILESS_STATUSES.has(status)) return c.body(null, status as 204)
      const body = fault.body ?? ''
      const type = body.trimStart().startsWith('{') ? 'application/json' : 'text/plain'
      return c.body(body, status as 200, { 'content-type': type })
    }
    // Latency only: carry on to the real handler.
    return next()
  }
}
