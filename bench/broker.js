// The broker under load (`zoho-auth serve` as a child process, on SQLite, against the bench's
// emulator): GET /api/v1/connections/:id/token requests per second beside Hono's hello world
// with the same load generator; the proxy's added latency beside calling the emulator directly;
// and 100 concurrent GET …/token at expiry → token requests, counted by the emulator.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HELLO_WORLD, latency, loadTest, startServer } from './broker-load.js'
import { control, freshGrant, sleepUntil, tokenStats } from './lib.js'
import { BENCH_KEY, importDist } from './stores.js'

const ADMIN = 'bench-admin-token-not-a-secret-0123456789'
const AUTH = { authorization: `Bearer ${ADMIN}` }

/** Puts a fresh grant into the broker's database as connection `id` (one refresh). */
async function connect(base, path, id) {
  const { openSqliteStore } = await importDist('stores/sqlite.js')
  const { KeyRing } = await importDist('stores/crypto.js')
  const { TokenManager } = await importDist('tokens/manager.js')
  const { emulatorDataCenters } = await importDist('protocol/data-centers.js')
  const store = await openSqliteStore({ path, keyRing: KeyRing.parse(BENCH_KEY) })
  const grant = await freshGrant(base)
  await store.saveClient(
    { clientId: grant.clientId, clientSecret: grant.clientSecret, dcSecrets: {} },
    Date.now(),
  )
  const manager = new TokenManager({
    store,
    dataCenters: emulatorDataCenters(base),
    allowInsecureHTTP: true,
  })
  try {
    await manager.importRefreshToken({
      id,
      refreshToken: grant.refreshToken,
      clientId: grant.clientId,
    })
    return await manager.getToken(id)
  } finally {
    await manager.close()
    await store.close()
  }
}

/** True when the running broker has the route (a missing one answers its own "No route"). */
async function hasRoute(url, headers) {
  const response = await fetch(url, { headers })
  const text = await response.text()
  return !(response.status === 404 && text.includes('"No route '))
}

/** Runs `measure` for each target twice, interleaved, and keeps each target's better run. */
async function interleaved(targets, measure, better) {
  const best = {}
  for (let round = 0; round < 2; round++) {
    for (const [name, target] of Object.entries(targets)) {
      const result = await measure(target)
      if (best[name] === undefined || better(result, best[name])) best[name] = result
    }
  }
  return best
}

export async function brokerBench(
  base,
  { durationMs = 3000, samples = 2000, burstCalls = 100, ttlSeconds = 6 } = {},
) {
  const home = mkdtempSync(join(tmpdir(), 'zoho-auth-bench-broker-'))
  const db = join(home, 'broker.db')
  await control(base, 'POST', 'settings', { access_token_ttl: 3600 })
  const server = await control(base, 'POST', 'clients', { type: 'server', dcs: ['us'] })
  const steady = await connect(base, db, 'bench')
  const broker = await startServer(['bin/zoho-auth.js', 'serve', '--port', '0'], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      ZOHO_CLIENT_ID: server.client_id,
      ZOHO_CLIENT_SECRET: server.client_secret,
      ZOHO_EMULATOR_URL: base,
      ZOHO_AUTH_DB: db,
      ZOHO_AUTH_ENCRYPTION_KEY: BENCH_KEY,
      ZOHO_AUTH_ADMIN_TOKEN: ADMIN,
    },
  })
  const hello = await startServer(['--input-type=module', '-e', HELLO_WORLD])
  const missing = []
  const result = { durationMs, samples, burstCalls }
  try {
    const tokenURL = `${broker.url}/api/v1/connections/bench/token`
    const proxyURL = `${broker.url}/api/v1/proxy/bench/crm/v8/users?type=CurrentUser`
    const directURL = `${steady.apiDomain}/crm/v8/users?type=CurrentUser`
    const hasToken = await hasRoute(tokenURL, AUTH)
    const hasProxy = await hasRoute(proxyURL, AUTH)
    if (!hasToken) missing.push('GET /api/v1/connections/:id/token')
    if (!hasProxy) missing.push('ANY /api/v1/proxy/:id/…')

    const throughput = await interleaved(
      {
        hello: { url: `${hello.url}/` },
        ...(hasToken ? { token: { url: tokenURL, headers: AUTH } } : {}),
      },
      (target) => loadTest(target.url, { headers: target.headers, durationMs }),
      (a, b) => a.requestsPerSecond > b.requestsPerSecond,
    )
    result.throughput = throughput

    const zohoAuth = { authorization: `Zoho-oauthtoken ${steady.accessToken}` }
    result.latency = await interleaved(
      {
        direct: { url: directURL, headers: zohoAuth },
        ...(hasProxy ? { proxy: { url: proxyURL, headers: AUTH } } : {}),
      },
      (target) => latency(target.url, { headers: target.headers, samples }),
      (a, b) => a.p50Ms < b.p50Ms,
    )

    if (hasToken) result.burst = await burst(base, broker, db, { burstCalls, ttlSeconds })
  } finally {
    await Promise.all([broker.stop(), hello.stop()])
    await control(base, 'POST', 'settings', { access_token_ttl: 3600 })
  }
  return { broker: result, missing }
}

/** A connection whose token expires in `ttlSeconds`, served once, then `burstCalls` at expiry. */
async function burst(base, broker, db, { burstCalls, ttlSeconds }) {
  await control(base, 'POST', 'settings', { access_token_ttl: ttlSeconds })
  const first = await connect(base, db, 'burst')
  const url = `${broker.url}/api/v1/connections/burst/token`
  // The broker caches the soon-stale token first, as a busy broker would.
  await (await fetch(url, { headers: AUTH })).text()
  await sleepUntil(first.expiresAt + 250)
  const before = await tokenStats(base)
  const started = performance.now()
  const answers = await Promise.all(
    Array.from({ length: burstCalls }, async () => {
      const response = await fetch(url, { headers: AUTH })
      const body = await response.json()
      return { status: response.status, token: body.access_token }
    }),
  )
  const elapsedMs = performance.now() - started
  const after = await tokenStats(base)
  return {
    refreshes: after.refreshes - before.refreshes,
    throttled: after.throttled - before.throttled,
    ok: answers.filter((a) => a.status === 200).length,
    failed: answers.filter((a) => a.status !== 200).length,
    distinctTokens: new Set(answers.map((a) => a.token)).size,
    elapsedMs,
  }
}
