/**
 * `GET/POST /api/v1/api-keys`, `DELETE /api/v1/api-keys/:id`: the broker's API keys, for the
 * admin only (a key must not mint more keys, or outlive its own deletion through one). A key is
 * shown once, when created; afterwards only its prefix. A deleted key stops working at once:
 * every request looks its hash up in the store.
 */
import type { Context, Hono } from 'hono'
import { createApiKey } from '../api-keys.js'
import type { BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'
import { BrokerHttpError, ERR_FORBIDDEN, ERR_NOT_FOUND } from '../errors.js'
import type { ApiKeyRecord } from '../../stores/store.js'
import { badRequest, limitBody, onlyFields, optionalString, readJsonObject } from './body.js'

const MAX_NAME_LENGTH = 100

/** A key as listed: never its hash, never the key. */
export interface ApiKeyView {
  id: string
  name: string
  prefix: string
  created_at: string
  last_used_at: string | null
}

function view(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    created_at: new Date(record.createdAt).toISOString(),
    last_used_at: record.lastUsedAt === null ? null : new Date(record.lastUsedAt).toISOString(),
  }
}

function requireAdmin(c: Context<BrokerEnv>): void {
  if (c.get('caller').kind !== 'admin') {
    throw new BrokerHttpError(
      403,
      ERR_FORBIDDEN,
      'API keys are managed by the admin only',
      'Use the admin token (ZOHO_AUTH_ADMIN_TOKEN) or the web UI to list, create or delete API keys.',
    )
  }
}

function readName(body: Record<string, unknown>): string {
  const name = (optionalString(body, 'name') ?? '').trim()
  if (name === '' || name.length > MAX_NAME_LENGTH) {
    throw badRequest(
      name === '' ? 'Field "name" is missing or empty' : 'Field "name" is too long',
      `Name the key after what uses it, e.g. "billing backend" (1 to ${MAX_NAME_LENGTH} characters).`,
    )
  }
  return name
}

/** Mounts `GET/POST /api-keys` and `DELETE /api-keys/:id` (admin only) on `api`. */
export function apiKeyRoutes(api: Hono<BrokerEnv>, deps: BrokerDeps): void {
  api.get('/api-keys', async (c) => {
    requireAdmin(c)
    return c.json({ api_keys: (await deps.store.listApiKeys()).map(view) })
  })

  api.post('/api-keys', limitBody(deps), async (c) => {
    requireAdmin(c)
    const body = await readJsonObject(c)
    onlyFields(body, ['name'])
    const { key, record } = await createApiKey(deps.store, readName(body), deps.now())
    c.header('cache-control', 'no-store')
    return c.json({ ...view(record), key }, 201)
  })

  api.delete('/api-keys/:id', async (c) => {
    requireAdmin(c)
    const id = c.req.param('id')
    if (!(await deps.store.deleteApiKey(id))) {
      throw new BrokerHttpError(
        404,
        ERR_NOT_FOUND,
        `No API key with id "${id.slice(0, 100)}"`,
        'List the keys (GET /api/v1/api-keys) to find its id; a deleted key stays deleted.',
      )
    }
    return c.json({ deleted: true })
  })
}
