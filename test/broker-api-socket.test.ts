/**
 * The broker's HTTP API over a real socket (@hono/node-server): what a backend does with it,
 * from an API key to a deleted connection, and the body limit as Node's HTTP server delivers
 * bodies (chunked). The store is the memory one: API keys in SQLite and PostgreSQL come with
 * their own branch, and the store contract suite covers them there.
 */
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selfClient } from '../src/server/api/test-kit.js'
import {
  ADMIN_TOKEN,
  brokerHarness,
  type BrokerHarness,
  type Json,
} from '../src/server/test-support.js'

let harness: BrokerHarness
let server: ReturnType<typeof serve>
let base: string

beforeAll(async () => {
  harness = await brokerHarness({ settings: { maxBodyBytes: 4096 } })
  server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: harness.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    s.once('error', reject)
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await harness.close()
})

async function call(
  bearer: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

/** A chunked POST (no Content-Length), sent with node:http so nothing buffers it first. */
function chunkedPost(path: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    })
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    let answered = false
    req.on('response', () => (answered = true))
    // The server may answer 413 and close before every chunk is written: the answer counts.
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })
}

describe('the broker API over a socket', () => {
  it('an API key creates a connection from a Self Client code, gets tokens, files a lead, deletes it', async () => {
    const created = (await (
      await call(ADMIN_TOKEN, 'POST', '/api/v1/api-keys', { name: 'backend' })
    ).json()) as { key: string }
    const key = created.key
    const other = await selfClient(harness)
    const made = await call(key, 'POST', '/api/v1/connections', {
      id: 'tenant-7',
      code: await other.code('ZohoCRM.modules.ALL,ZohoCRM.users.READ'),
      client_id: other.clientId,
      client_secret: other.clientSecret,
    })
    expect(made.status).toBe(201)
    const token = (await (
      await call(key, 'GET', '/api/v1/connections/tenant-7/token')
    ).json()) as Json
    expect(token.api_domain).toBe('http://127.0.0.1:9/us/api')
    const refreshed = (await (
      await call(key, 'POST', '/api/v1/connections/tenant-7/refresh')
    ).json()) as Json
    expect(refreshed.access_token).not.toBe(token.access_token)
    const lead = await call(key, 'POST', '/api/v1/connections/tenant-7/leads', {
      name: 'Katherine Johnson',
      email: 'katherine@example.com',
      interest: 'orbits',
    })
    expect(lead.status).toBe(201)
    const listed = (await (await call(key, 'GET', '/api/v1/connections')).json()) as {
      connections: Json[]
    }
    expect(listed.connections.map((c) => [c.id, c.status])).toEqual([['tenant-7', 'active']])
    const deleted = (await (
      await call(key, 'DELETE', '/api/v1/connections/tenant-7')
    ).json()) as Json
    expect([deleted.deleted, deleted.revoked]).toEqual([true, true])
    expect((await call(key, 'GET', '/api/v1/connections/tenant-7')).status).toBe(404)
  })

  it('refuses a chunked body past the limit with 413, and takes one within it', async () => {
    const big = await chunkedPost('/api/v1/api-keys', Array(10).fill(' '.repeat(1000)))
    expect(big.status).toBe(413)
    expect((JSON.parse(big.body) as { error: { code: string } }).error.code).toBe(
      'ERR_PAYLOAD_TOO_LARGE',
    )
    const small = await chunkedPost('/api/v1/api-keys', ['{"name":', '"chunked"}'])
    expect(small.status).toBe(201)
  })
})
