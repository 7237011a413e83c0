/** `GET /connect` (start a Zoho consent) and `GET /oauth/callback` (finish it). */
import type { Hono } from 'hono'
import type { BrokerDeps } from '../deps.js'
import { noFraming } from '../ui/guard.js'
import { finishConnect } from './callback.js'
import { startConnect } from './start.js'

export function connectRoutes(app: Hono, deps: BrokerDeps): void {
  app.use('/connect', noFraming())
  app.use('/oauth/callback', noFraming())
  app.get('/connect', (c) => startConnect(c, deps))
  app.get('/oauth/callback', (c) => finishConnect(c, deps))
}
