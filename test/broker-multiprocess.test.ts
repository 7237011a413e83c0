/**
 * Two `zoho-auth serve` processes on one PostgreSQL database (a database of this run's own),
 * against the emulator on a socket: 100 concurrent `GET /api/v1/connections/:id/token` at
 * expiry, spread across both, cost Zoho exactly one refresh (counted by the emulator); and a
 * connection created through one is served by the other at once.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeyRing } from '../src/stores/crypto.js'
import { openPostgresStore } from '../src/stores/postgres.js'
import { TokenManager } from '../src/tokens/manager.js'
import { requirePostgres, TEST_DATABASE_URL } from './fixtures/postgres.js'
import { spawnBin, type BinRun } from './support/bin.js'
import { startTestEmulator, type TestClient, type TestEmulator } from './support/emulator.js'
import { parseBanner } from './support/serve.js'
import { within } from './support/within.js'

const KEY = Buffer.alloc(32, 12).toString('base64')
const ADMIN = `multi-admin-${randomBytes(12).toString('hex')}`
const USER = 'multi@example.com'
const TTL_SECONDS = 4

const postgres = await requirePostgres('two zoho-auth serve processes on one PostgreSQL')
interface Served {
  run: BinRun
  url: string
}

let zoho: TestEmulator
let server: TestClient
let self: TestClient
let databaseURL: string
let database: string
const brokers: Served[] = []

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

async function startServe(): Promise<Served> {
  const run = spawnBin(['serve', '--port', '0'], {
    PATH: process.env.PATH ?? '',
    HOME: mkdtempSync(join(tmpdir(), 'zoho-auth-multi-')),
    ZOHO_CLIENT_ID: server.client_id,
    ZOHO_CLIENT_SECRET: server.client_secret,
    ZOHO_EMULATOR_URL: zoho.url,
    ZOHO_AUTH_DB: databaseURL,
    ZOHO_AUTH_ENCRYPTION_KEY: KEY,
    ZOHO_AUTH_ADMIN_TOKEN: ADMIN,
  })
  try {
    await within(30_000, run.stdoutIncludes('stops it.\n'))
  } catch (error) {
    run.child.kill('SIGKILL')
    throw new Error(`serve did not start: ${String(error)}\nstderr: ${run.stderr}`)
  }
  const banner = parseBanner(run.stdout)
  if (banner === null) throw new Error(`no banner in: ${run.stdout}`)
  return { run, url: banner.listenUrl }
}

async function token(
  broker: Served,
  id: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${broker.url}/api/v1/connections/${id}/token`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** `expires_at` as epoch ms, whether the route answers an ISO date or epoch (s or ms). */
function epochMs(value: unknown): number {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value
  return Date.parse(String(value))
}

async function refreshes(): Promise<number> {
  return (await zoho.stats()).token_endpoint.refresh_token ?? 0
}

describe.skipIf(!postgres)('two zoho-auth serve processes on one PostgreSQL', () => {
  beforeAll(async () => {
    zoho = await startTestEmulator({ access_token_ttl: TTL_SECONDS })
    server = await zoho.client()
    self = await zoho.client({ type: 'self', redirect_uris: [] })
    await zoho.user(USER)
    database = `zat_serve_multi_${process.pid}_${randomBytes(4).toString('hex')}`
    await admin(`CREATE DATABASE "${database}"`)
    const url = new URL(TEST_DATABASE_URL)
    url.pathname = `/${database}`
    databaseURL = url.href
    // One after the other: the first migrates the empty database, the second finds it done.
    brokers.push(await startServe())
    brokers.push(await startServe())
  }, 90_000)

  afterAll(async () => {
    for (const broker of brokers) broker.run.child.kill('SIGTERM')
    const exits = await Promise.all(brokers.map((b) => within(15_000, b.run.exited)))
    await zoho?.close()
    if (database) await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    expect(exits.every((exit) => exit.code === 0)).toBe(true)
  }, 30_000)

  it('GET /api/v1/connections/:id/token ×100 at expiry across both processes → 1 refresh', async () => {
    // The connection is made behind both brokers' backs, straight into the shared store.
    const store = await openPostgresStore({
      connectionString: databaseURL,
      keyRing: KeyRing.parse(KEY),
    })
    const id = 'burst'
    try {
      await store.saveClient(
        { clientId: self.client_id, clientSecret: self.client_secret, dcSecrets: {} },
        Date.now(),
      )
      const manager = new TokenManager({
        store,
        dataCenters: zoho.dataCenters,
        allowInsecureHTTP: true,
      })
      const code = await zoho.selfClientCode({
        client_id: self.client_id,
        scope: 'ZohoCRM.users.READ',
        email: USER,
      })
      await manager.createFromCode({ id, code, clientId: self.client_id })
      await manager.close()
      const expiresAt = (await store.get(id))?.accessTokenExpiresAt ?? 0
      // Both brokers hold the soon-stale token first, as a busy broker would.
      for (const broker of brokers) expect((await token(broker, id)).status).toBe(200)
      // The one wait that is for the clock: the token's own expiry (a few seconds, bounded).
      const wait = expiresAt - Date.now() + 250
      expect(wait).toBeLessThan(TTL_SECONDS * 1000 + 1000)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)))
    } finally {
      await store.close()
    }
    const before = await refreshes()
    const answers = await within(
      60_000,
      Promise.all(Array.from({ length: 100 }, (_, i) => token(brokers[i % 2] as Served, id))),
    )
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 100 }, () => 200))
    expect(new Set(answers.map((a) => a.body.access_token)).size).toBe(1)
    for (const answer of answers) {
      expect(answer.body.api_domain).toBe(`${zoho.url}/us/api`)
      expect(epochMs(answer.body.expires_at)).toBeGreaterThan(Date.now())
    }
    expect((await refreshes()) - before).toBe(1)
  }, 120_000)

  it('POST /api/v1/connections through one process is served by GET …/token of the other at once', async () => {
    const [first, second] = brokers as [Served, Served]
    const code = await zoho.selfClientCode({
      client_id: self.client_id,
      scope: 'ZohoCRM.users.READ',
      email: USER,
    })
    const created = await fetch(`${first.url}/api/v1/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'made-through-one',
        code,
        client_id: self.client_id,
        client_secret: self.client_secret,
      }),
    })
    expect([200, 201]).toContain(created.status)
    await created.body?.cancel()
    const before = await refreshes()
    const served = await token(second, 'made-through-one')
    expect(served.status).toBe(200)
    expect(served.body.api_domain).toBe(`${zoho.url}/us/api`)
    expect((await token(first, 'made-through-one')).body.access_token).toBe(
      served.body.access_token,
    )
    // Served from the row the first process wrote, not by minting another token.
    expect((await refreshes()) - before).toBe(0)
  }, 60_000)
})
