/** `GET /api/v1/openapi.json`: public, so a client can be generated before it has a key. */
import type { Hono } from 'hono'
import type { BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'
import { OPENAPI_DOCUMENT } from './openapi-document.js'

/** Mounts `GET /openapi.json` on `api`; call it before the bearer middleware. */
export function openApiRoute(api: Hono<BrokerEnv>, deps: BrokerDeps): void {
  const document = { ...OPENAPI_DOCUMENT, servers: [{ url: deps.settings.publicUrl }] }
  api.get('/openapi.json', (c) => c.json(document))
}
