/**
 * The API client's 401 path across real processes: four script processes share one SQLite store
 * (through connectZoho, as scripts do), the emulator has let their token expire while they all
 * still trust it, and 100 calls in all are refused for that one token → one refresh, counted by
 * the emulator. Children import the built dist/ (npm test builds).
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'
import { scriptEnvironment } from './support/script-env.js'

const DIST = fileURLToPath(new URL('../dist/', import.meta.url))

// The child: connects like a script, says ready, waits for "go", sends its calls at once.
const CHILD = `
const cfg = JSON.parse(process.argv[1])
const { connectZoho, currentUser } = await import(new URL('index.js', 'file://' + cfg.dist).href)
const zoho = await connectZoho({ env: cfg.env, cwd: cfg.cwd })
// Warm the cache from the store, as a script that already made a call would have.
await zoho.manager.getToken(zoho.connectionId)
process.stdout.write('ready\\n')
await new Promise((resolve) => process.stdin.once('data', resolve))
const settled = await Promise.allSettled(Array.from({ length: cfg.calls }, () => currentUser(zoho.client)))
const result = {
  ok: settled.filter((s) => s.status === 'fulfilled' && s.value !== null).length,
  errors: settled.filter((s) => s.status === 'rejected').map((s) => s.reason.code || String(s.reason)),
}
process.stdout.write(JSON.stringify(result) + '\\n')
await zoho.close()
process.exit(0)
`

interface Child {
  ready: Promise<void>
  result: Promise<{ ok: number; errors: string[] }>
  go(): void
}

function startChild(config: Record<string, unknown>): Child {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD, JSON.stringify(config)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
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
  const result = new Promise<{ ok: number; errors: string[] }>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      markReady()
      const line = out.split('\n')[1]
      if (code !== 0 || !line) reject(new Error(`child exited ${code ?? signal}: ${err || out}`))
      else resolve(JSON.parse(line) as { ok: number; errors: string[] })
    })
  })
  result.catch(() => undefined)
  return { ready, result, go: () => child.stdin.write('go\n') }
}

let zoho: TestEmulator

beforeAll(async () => {
  if (!existsSync(join(DIST, 'api/client.js'))) {
    throw new Error(
      'dist/ is missing the API client: run `npx tsc -p tsconfig.build.json` (npm test does it)',
    )
  }
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

describe('ZohoApiClient across processes (SQLite + emulator)', () => {
  it('ZohoApiClient: 4 processes × 25 calls refused for one expired token cause one refresh, and all succeed', async () => {
    const { env, dir, client } = await scriptEnvironment(zoho)
    const children = Array.from({ length: 4 }, () =>
      startChild({ dist: DIST, env, cwd: dir, calls: 25 }),
    )
    await Promise.all(children.map((c) => c.ready))
    // Every child holds the same token, valid by its clock; Zoho now considers it expired.
    await zoho.control('clock', { advance_seconds: 3700 })
    // Counted overall: a refused token names no client, so by_client misses those calls.
    const callsBefore = Number((await zoho.stats()).api)
    for (const child of children) child.go()
    const results = await Promise.all(children.map((c) => c.result))
    expect(results.flatMap((r) => r.errors)).toEqual([])
    expect(results.reduce((sum, r) => sum + r.ok, 0)).toBe(100)
    const stats = await zoho.stats()
    expect(stats.by_client[client.client_id]?.token_endpoint.refresh_token).toBe(1)
    expect(stats.token_errors['Access Denied'] ?? 0).toBe(0)
    // Each call was refused once with the old token and retried once with the new one.
    expect(Number(stats.api) - callsBefore).toBe(200)
  }, 60_000)
})
