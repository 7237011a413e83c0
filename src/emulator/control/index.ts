/**
 * The test control API under `{base}/__emulator/`: register clients and users, mint Self Client
 * codes, move the clock, change settings, inject faults, read stats, reset. JSON in and out;
 * mistakes answer 400 `{"error": "<what is wrong>"}`.
 */
import { Hono } from 'hono'
import { CLOCK_STEP, MAX_AHEAD_SECONDS } from '../clock.js'
import type { EmulatorContext } from '../context.js'
import { FAULT_FIELDS, parseFaultSpec, FaultSpecError } from '../faults.js'
import { RegistryError, clientJSON, createClient, createUser, userJSON } from '../registry.js'
import { inRange, rangeMessage } from '../ranges.js'
import { SettingsError, mergeSettings } from '../settings.js'
import { ControlError, jsonBody, knownFields } from './body.js'
import { registerStateRoutes } from './state-routes.js'

/** Errors caused by the caller's input: the app answers them with 400. */
export const INPUT_ERRORS = [ControlError, RegistryError, SettingsError, FaultSpecError]

export function registerControlRoutes(app: Hono, ctx: EmulatorContext, reset: () => void): void {
  const control = new Hono()

  control.post('/clients', async (c) => {
    const body = await jsonBody(c)
    knownFields(body, ['type', 'redirect_uris', 'javascript_origins', 'dcs', 'dc_secrets'])
    return c.json(clientJSON(createClient(ctx, body)))
  })
  control.get('/clients', (c) =>
    c.json({ clients: [...ctx.state.clients.values()].map(clientJSON) }),
  )
  control.post('/users', async (c) => {
    const body = await jsonBody(c)
    knownFields(body, ['email', 'dc', 'first_name', 'last_name'])
    return c.json(userJSON(createUser(ctx, body)))
  })
  control.get('/users', (c) => c.json({ users: [...ctx.state.users.values()].map(userJSON) }))

  control.post('/clock', async (c) => {
    const body = await jsonBody(c)
    knownFields(body, ['advance_seconds'])
    const seconds = body.advance_seconds === undefined ? 0 : body.advance_seconds
    if (!inRange(seconds, CLOCK_STEP)) {
      throw new ControlError(rangeMessage('"advance_seconds"', CLOCK_STEP, seconds))
    }
    const ahead = ctx.clock.aheadSeconds()
    if (ahead + seconds > MAX_AHEAD_SECONDS) {
      throw new ControlError(
        `"advance_seconds" would put the clock more than ${MAX_AHEAD_SECONDS} seconds (100 years) ahead; it is ${ahead} seconds ahead now (POST /__emulator/reset starts over)`,
      )
    }
    return c.json({ now: ctx.clock.advance(seconds) })
  })
  control.get('/clock', (c) => c.json({ now: ctx.clock.now() }))

  control.get('/settings', (c) => c.json(ctx.settings))
  control.post('/settings', async (c) => {
    ctx.settings = mergeSettings(ctx.settings, await jsonBody(c))
    return c.json(ctx.settings)
  })

  control.post('/faults', async (c) => {
    const body = await jsonBody(c)
    knownFields(body, FAULT_FIELDS)
    const fault = ctx.faults.add(parseFaultSpec(body))
    return c.json({ id: fault.id })
  })
  control.get('/faults', (c) => c.json({ faults: ctx.faults.list() }))
  control.delete('/faults', (c) => {
    ctx.faults.clear()
    return c.json({ status: 'success' })
  })

  control.get('/stats', (c) => c.json(ctx.stats.snapshot()))
  control.post('/stats/reset', (c) => {
    ctx.stats.reset()
    return c.json(ctx.stats.snapshot())
  })
  control.post('/reset', (c) => {
    reset()
    return c.json({ status: 'success' })
  })

  registerStateRoutes(control, ctx)
  // Black-box callers get JSON for every mistake, a mistyped route or method included.
  control.all('*', (c) =>
    c.json({ error: `no control route ${c.req.method} ${new URL(c.req.url).pathname}` }, 404),
  )
  app.route('/__emulator', control)
}
