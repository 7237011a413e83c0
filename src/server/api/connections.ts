/** list / get / create / delete connections, token, refresh. Placeholder until the API work lands. */
import type { Hono } from 'hono'
import type { BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'

export function connectionRoutes(_api: Hono<BrokerEnv>, _deps: BrokerDeps): void {}
