/** `GET /connect` (start a Zoho consent) and `GET /oauth/callback` (finish it). */
import type { Hono } from 'hono'
import type { BrokerDeps } from '../deps.js'
import { finishConnect } from './callback.js'
import { startConnect } from './start.js'

export function connectRoutes(app: Hono, deps: BrokerDeps): void {
  app.get('/connect', (c) => startConnect(c, deps))
  app.get('/oauth/callback', (c) => finishConnect(c, deps))
}
