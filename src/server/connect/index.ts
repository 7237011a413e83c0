/** `GET /connect` and `GET /oauth/callback`. Placeholder until the connect work lands. */
import type { Hono } from 'hono'
import type { BrokerDeps } from '../deps.js'

export function connectRoutes(_app: Hono, _deps: BrokerDeps): void {}
