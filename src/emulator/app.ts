/**
 * Builds the emulator: one Hono app serving every DC's accounts server and API under
 * `{base}/{dc}/…`, and the control API under `{base}/__emulator/`.
 */
import { Hono } from 'hono'
import { registerApiRoutes } from './api/index.js'
import { apiQuotaMiddleware } from './api/quota.js'
import { createClock } from './clock.js'
import { apiCorsMiddleware } from './cors.js'
import type { EmulatorContext } from './context.js'
import { INPUT_ERRORS, registerControlRoutes } from './control/index.js'
import { DCS, isDc } from './dcs.js'
import { seedDemo, type DemoData } from './demo.js'
import { DroppedConnection, createFaults, faultMiddleware } from './faults.js'
import { baseOf } from './http.js'
import { createRandom } from './random.js'
import { registerAuthorizeRoutes } from './routes/authorize.js'
import { registerDeviceRoutes } from './routes/device.js'
import { registerInfoRoutes } from './routes/info.js'
import { registerTokenRoutes } from './routes/token.js'
import { DEFAULT_SETTINGS, mergeSettings, type EmulatorSettings } from './settings.js'
import { EmulatorState } from './state.js'
import { createStats, type EmulatorStats } from './stats.js'

export interface EmulatorOptions {
  /** Base clock (default `Date.now`); the control API adds an offset. */
  now?: () => number
  /** Seeds the PRNG behind every token, code and id: same seed, same values. */
  seed?: number
  settings?: Partial<EmulatorSettings>
  /** Seed a demo server client, a Self Client, a device client and demo users. */
  demo?: boolean
}

export interface Emulator {
  app: Hono
  fetch(request: Request): Promise<Response>
  settings(): EmulatorSettings
  stats(): EmulatorStats
  reset(): void
  /** The demo data, when created with `demo: true`. */
  demo(): DemoData | undefined
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const seed = options.seed
  const initialSettings = mergeSettings(DEFAULT_SETTINGS, { ...options.settings })
  const random = createRandom(seed)
  const ctx: EmulatorContext = {
    state: new EmulatorState(),
    settings: initialSettings,
    clock: createClock(options.now),
    random,
    stats: createStats(),
    faults: createFaults(() => ctx.random),
  }
  let demo: DemoData | undefined
  const reset = (): void => {
    ctx.state = new EmulatorState()
    ctx.settings = { ...initialSettings }
    ctx.clock.reset()
    // The same seed again, so a reset emulator hands out the same ids as a new one.
    ctx.random = seed === undefined ? createRandom() : createRandom(seed)
    ctx.stats = createStats()
    ctx.faults.clear()
    demo = options.demo ? seedDemo(ctx) : undefined
  }
  demo = options.demo ? seedDemo(ctx) : undefined

  const app = new Hono()
  app.onError((error, c) => {
    if (error instanceof DroppedConnection) throw error
    if (INPUT_ERRORS.some((type) => error instanceof type)) {
      return c.json({ error: error.message }, 400)
    }
    console.error('zoho emulator: unexpected error', error)
    return c.json({ error: 'internal_error' }, 500)
  })
  // First, so every API answer a page gets (a fault's or the quota's too) carries CORS headers.
  app.use('/:dc/api/*', apiCorsMiddleware(ctx))
  // Before the faults: a request held by an injected latency is in flight for the quota.
  app.use('/:dc/api/crm/*', apiQuotaMiddleware(ctx))
  app.use(
    '*',
    faultMiddleware(() => ctx.faults),
  )
  registerControlRoutes(app, ctx, reset)
  // Anything under an unknown first segment is not one of Zoho's DCs.
  app.use('/:dc/*', async (c, next) => {
    if (!isDc(c.req.param('dc'))) return c.json({ error: 'unknown data centre' }, 404)
    return next()
  })
  registerTokenRoutes(app, ctx)
  registerAuthorizeRoutes(app, ctx)
  registerDeviceRoutes(app, ctx)
  registerInfoRoutes(app, ctx)
  registerApiRoutes(app, ctx)
  // A landing answer for people who open the base URL in a browser.
  app.get('/', (c) =>
    c.json({
      name: 'Zoho emulator',
      accounts: `${baseOf(c)}/{dc}/accounts`,
      api: `${baseOf(c)}/{dc}/api`,
      control: `${baseOf(c)}/__emulator/`,
      dcs: DCS,
    }),
  )

  return {
    app,
    async fetch(request) {
      try {
        return await app.fetch(request)
      } catch (error) {
        // What fetch does when the server drops the connection.
        if (error instanceof DroppedConnection)
          throw new TypeError('fetch failed', { cause: error })
        throw error
      }
    },
    settings: () => ({ ...ctx.settings }),
    stats: () => ctx.stats.snapshot(),
    reset,
    demo: () => demo,
  }
}
