/**
 * `/api/v1/connections`: list, get, create and delete. Creating takes a code (a Self Client's,
 * or one a backend got itself) or another client's refresh token; deleting revokes the grant at
 * Zoho first, so it stops counting against Zoho's 20 refresh tokens per user and client.
 */
import type { Hono } from 'hono'
import type { BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'
import { limitBody } from './body.js'
import { checkConnectionId } from './connection-id.js'
import { createConnection, readCreateRequest } from './create-connection.js'
import { deleteConnection } from './delete-connection.js'
import { viewAllConnections, viewConnection } from './serialize.js'
import { ConnectionNotFoundError } from '../../tokens/errors.js'

/** Mounts list, get, create and delete of `/connections` on `api`. */
export function connectionRoutes(api: Hono<BrokerEnv>, deps: BrokerDeps): void {
  api.get('/connections', async (c) => c.json({ connections: await viewAllConnections(deps) }))

  api.post('/connections', limitBody(deps), async (c) => {
    const request = await readCreateRequest(deps, c)
    const connection = await createConnection(deps, request)
    return c.json(await viewConnection(deps, connection), 201)
  })

  api.get('/connections/:id', async (c) => {
    const id = checkConnectionId(c.req.param('id'))
    const connection = await deps.store.get(id)
    if (connection === null) throw new ConnectionNotFoundError(id)
    return c.json(await viewConnection(deps, connection))
  })

  api.delete('/connections/:id', async (c) => {
    const id = checkConnectionId(c.req.param('id'))
    const force = c.req.query('force')
    return c.json(await deleteConnection(deps, id, { force: force === 'true' || force === '1' }))
  })
}
