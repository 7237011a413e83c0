/** The web UI (`/`, sign-in, connections, API keys). Placeholder until the UI work lands. */
import type { Hono } from 'hono'
import type { BrokerDeps } from '../deps.js'

export function uiRoutes(_app: Hono, _deps: BrokerDeps): void {}
