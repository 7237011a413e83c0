/**
 * The web UI: sign-in, the connections table and its actions, and API keys. Server-rendered
 * pages; the only script is a confirm() before destructive buttons.
 */
import type { Hono } from 'hono'
import type { BrokerDeps } from '../deps.js'
import { connectionActionRoutes } from './connection-actions.js'
import { loadConnectionRows } from './connection-rows.js'
import { connectionsPage } from './connections-page.js'
import { noFraming, page } from './guard.js'
import { keyRoutes } from './keys-page.js'
import { signInRoutes } from './sign-in.js'

export function uiRoutes(app: Hono, deps: BrokerDeps): void {
  for (const path of ['/', '/sign-in', '/sign-out', '/ui/*']) app.use(path, noFraming())
  signInRoutes(app, deps)
  app.get(
    '/',
    page(deps, async ({ c, csrf }) => {
      const rows = await loadConnectionRows(deps)
      const kind = c.req.query('done')
      const connection = c.req.query('connection')
      const done = kind === undefined || connection === undefined ? undefined : { kind, connection }
      return c.html(connectionsPage({ deps, rows, csrf, now: deps.now(), done }), 200, {
        'cache-control': 'no-store',
      })
    }),
  )
  connectionActionRoutes(app, deps)
  keyRoutes(app, deps)
}
