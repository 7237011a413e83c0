/**
 * The TokenManager across real processes on one SQLite file, against the emulator over a socket:
 * one refresh for a burst from several processes, recovery from a lease holder killed
 * mid-refresh, and one shared quota window. Children import the built dist/ (npm test builds).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeyRing } from '../src/stores/crypto.js'
import { openSqliteStore } from '../src/stores/sqlite.js'
import type { SqliteStore } from '../src/stores/sqlite.js'
import { mintKey } from '../src/tokens/budget.js'
import { TokenManager } from '../src/tokens/manager.js'
import { startTestEmulator } from './support/emulator.js'
import type { TestEmulator } from './support/emulator.js'

const DIST = fileURLToPath(new URL('../dist/', import.meta.url))
const KEY = Buffer.alloc(32, 9).toString('base64')
const WINDOW = 600_000

// The child: opens the store and a manager from dist/, says ready, waits for "go", runs its op.
const CHILD = `
const [cfg] = [JSON.parse(process.argv[1])]
const dist = (p) => import(new URL(p, 'file://' + cfg.dist).href)
const { openSqliteStore } = await dist('stores/sqlite.js')
const { KeyRing } = await dist('stores/crypto.js')
const { TokenManager } = await dist('tokens/manager.js')
const { emulatorDataCenters } = await dist('protocol/data-centers.js')
const store = await openSqliteStore({ path: cfg.path, keyRing: KeyRing.parse(cfg.key) })
const manager = new TokenManager({
  store, client: cfg.client, dataCenters: emulatorDataCenters(cfg.base),
  allowInsecureHTTP: true, leaseTtlMs: cfg.leaseTtlMs, ownerId: cfg.owner,
})
process.stdout.write('ready\\n')
await new Promise((resolve) => process.stdin.once('data', resolve))
const code = (e) => (e && e.code) || String(e)
let result
if (cfg.op === 'burst') {
  const settled = await Promise.allSettled(Array.from({ length: cfg.calls }, () => manager.getToken(cfg.id)))
  result = {
    tokens: [...new Set(settled.filter((s) => s.status === 'fulfilled').map((s) => s.value.accessToken))],
    errors: settled.filter((s) => s.status === 'rejected').map((s) => code(s.reason)),
  }
} else if (cfg.op === 'drain') {
  const outcomes = []
  for (let i = 0; i < cfg.rounds; i++) {
    try {
      const token = await manager.getToken(cfg.id)
      await manager.invalidate(cfg.id, token.accessToken)
      outcomes.push('ok')
    } catch (e) { outcomes.push(code(e)) }
  }
  result = { outcomes }
} else {
  try { result = { token: (await manager.getToken(cfg.id)).accessToken } } catch (e) { result = { error: code(e) } }
}
process.stdout.write(JSON.stringify(result) + '\\n')
await manager.close()
await store.close()
process.exit(0)
`

interface Child {
  process: ChildProcess
  ready: Promise<void>
  result: Promise<Record<string, unknown>>
  go(): void
}

function startChild(config: Record<string, unknown>): Child {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD, JSON.stringify({ dist: DIST, key: KEY, ...config })],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let out = ''
  let err = ''
  let markReady = (): void => undefined
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    if (out.startsWith('ready\n')) markReady()
  })
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      markReady()
      const line = out.split('\n')[1]
      if (code !== 0 || line === undefined || line === '') {
        reject(new Error(`child exited ${code ?? signal}: ${err || out}`))
      } else resolve(JSON.parse(line) as Record<string, unknown>)
    })
  })
  result.catch(() => undefined)
  return { process: child, ready, result, go: () => child.stdin.write('go\n') }
}

let zoho: TestEmulator
let users = 0

beforeAll(async () => {
  if (!existsSync(join(DIST, 'tokens/manager.js'))) {
    throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` (npm test does it)')
  }
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

interface Setup {
  store: SqliteStore
  path: string
  client: { clientId: string; clientSecret: string }
  refreshToken: string
  close(): Promise<void>
}

/** A connection "acme" created through the emulator, with its access token already expired. */
async function setup(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-manager-'))
  const path = join(dir, 'tokens.db')
  const store = await openSqliteStore({ path, keyRing: KeyRing.parse(KEY) })
  const registered = await zoho.client({ type: 'self', redirect_uris: [] })
  const client = { clientId: registered.client_id, clientSecret: registered.client_secret }
  users += 1
  const email = `multi${users}@example.com`
  await zoho.user(email)
  const manager = new TokenManager({
    store,
    client,
    dataCenters: zoho.dataCenters,
    allowInsecureHTTP: true,
  })
  const code = await zoho.selfClientCode({
    client_id: client.clientId,
    scope: 'ZohoCRM.users.READ',
    email,
  })
  const created = await manager.createFromCode({ id: 'acme', code })
  await manager.close()
  // Expired by our clock: the next getToken anywhere must refresh.
  const now = Date.now()
  await store.update('acme', { accessTokenExpiresAt: now - 1000 }, created.version, now)
  await zoho.control('stats/reset', {})
  return {
    store,
    path,
    client,
    refreshToken: created.refreshToken,
    close: () => store.close(),
  }
}

/** Polls `condition` until it holds; bounded, so a broken test fails instead of hanging. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function release(children: Child[]): Promise<Record<string, unknown>[]> {
  await Promise.all(children.map((c) => c.ready))
  for (const child of children) child.go()
  return Promise.all(children.map((c) => c.result))
}

describe('TokenManager across processes (SQLite + emulator)', () => {
  it('getToken: 4 processes × 250 callers at expiry cause one token request', async () => {
    const s = await setup()
    const children = Array.from({ length: 4 }, (_, i) =>
      startChild({
        op: 'burst',
        calls: 250,
        id: 'acme',
        path: s.path,
        client: s.client,
        base: zoho.url,
        owner: `p${i}`,
      }),
    )
    const results = await release(children)
    const tokens = new Set(results.flatMap((r) => r.tokens as string[]))
    expect(results.flatMap((r) => r.errors as string[])).toEqual([])
    expect(tokens.size).toBe(1)
    expect((await s.store.get('acme'))?.accessToken).toBe([...tokens][0])
    // Counted per client: a previous test's killed request may still land on the emulator.
    const stats = await zoho.stats()
    expect(stats.by_client[s.client.clientId]?.token_endpoint.refresh_token).toBe(1)
    expect(stats.token_errors['Access Denied'] ?? 0).toBe(0)
    await s.close()
  }, 60_000)

  it('getToken: a lease holder SIGKILLed mid-refresh is taken over once its lease expires', async () => {
    const s = await setup()
    await zoho.control('faults', { path: '/oauth/v2/token', latency_ms: 3000, count: 1 })
    const common = { id: 'acme', path: s.path, client: s.client, base: zoho.url, leaseTtlMs: 1000 }
    const holder = startChild({ op: 'refresh', owner: 'doomed', ...common })
    await holder.ready
    holder.go()
    // Killed once its request reached Zoho (the slow fault took it). Its mint is counted before
    // it is sent, but a busy machine can take seconds from there to the request going out: a
    // holder killed before that left the fault to the taker, whose request then hung on it.
    await waitFor(async () => ((await zoho.control('faults')).faults as unknown[]).length === 0)
    holder.process.kill('SIGKILL')
    await expect(holder.result).rejects.toThrow(/SIGKILL/)

    const startedAt = Date.now()
    const [taker] = await release([startChild({ op: 'refresh', owner: 'taker', ...common })])
    expect(taker?.error).toBeUndefined()
    const stored = await s.store.get('acme')
    expect(stored).toMatchObject({ status: 'active', lastError: null, accessToken: taker?.token })
    expect(stored?.accessTokenExpiresAt).toBeGreaterThan(startedAt)
    // The code exchange, the killed holder's request (it reached Zoho), and the taker's.
    expect(await s.store.mintsInWindow(mintKey(s.refreshToken), Date.now(), WINDOW)).toHaveLength(3)
    await zoho.control('faults', undefined, 'DELETE')
    await s.close()
  }, 60_000)

  it('invalidate: processes forcing refreshes share one quota window and never get throttled by Zoho', async () => {
    const s = await setup()
    const children = Array.from({ length: 3 }, (_, i) =>
      startChild({
        op: 'drain',
        rounds: 20,
        id: 'acme',
        path: s.path,
        client: s.client,
        base: zoho.url,
        owner: `d${i}`,
      }),
    )
    const results = await release(children)
    const outcomes = results.flatMap((r) => r.outcomes as string[])
    expect(outcomes).toContain('ERR_TOKEN_THROTTLED')
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'ERR_TOKEN_THROTTLED')).toEqual([])
    const mints = await s.store.mintsInWindow(mintKey(s.refreshToken), Date.now(), WINDOW)
    expect(mints).toHaveLength(10) // the code exchange + 9 refreshes: Zoho's 10 per window
    const stats = await zoho.stats()
    expect(stats.by_client[s.client.clientId]?.token_endpoint.refresh_token).toBe(9)
    expect(stats.token_errors['Access Denied'] ?? 0).toBe(0)
    await s.close()
  }, 60_000)
})
